import { MultiMap } from '../../lib/multi-map.js';

/** Requirements resolved to resource type indices and integer units, in request order. */
export interface Shape {
  readonly types: readonly number[];
  readonly units: readonly number[];
}

/**
 * Interns the first `limit` shapes, so requests and allocations of one shape share one pair of
 * arrays and an allocate builds none. See docs/design/memory-and-gc.md#interned-shapes.
 */
export class Shapes {
  private readonly byHash = new MultiMap<Shape>();
  /** Interned shapes by number, in the order they were first seen. */
  private readonly list: Shape[] = [];
  /**
   * Each interned shape's number by its `units` array, not `types`: the wait queue gives a group's
   * requests one `types` array, which may be another shape's with the same type list.
   */
  private readonly numbers = new Map<readonly number[], number>();
  /** The last shape numberOf found: most lookups ask for the shape asked for before. */
  private lastTypes: readonly number[] | undefined;
  private lastUnits: readonly number[] | undefined;
  private lastNumber = -1;

  constructor(private readonly limit: number) {}

  /** Shapes interned so far. */
  get size(): number {
    return this.list.length;
  }

  /** The interned shape numbered `n` (0 to size - 1). */
  at(n: number): Shape {
    return this.list[n]!;
  }

  /** The number of the interned shape whose `units` array is `units` and whose types equal `types`, or -1. */
  numberOf(types: readonly number[], units: readonly number[]): number {
    if (types === this.lastTypes && units === this.lastUnits) return this.lastNumber;
    const n = this.numbers.get(units);
    if (n === undefined) return -1;
    const own = this.list[n]!.types;
    if (own !== types && !sameNumbers(own, types)) return -1;
    this.lastTypes = types;
    this.lastUnits = units;
    this.lastNumber = n;
    return n;
  }


  /** The shape of the first `n` entries of `types` and `units` (the caller's scratch arrays), hashed `hash` (see `hashStep`). */
  intern(types: readonly number[], units: readonly number[], n: number, hash: number): Shape {
    const bucket = this.byHash.bucket(hash);
    for (let i = 0; i < bucket.length; i++) if (same(bucket[i]!, types, units, n)) return bucket[i]!;
    const shape: Shape = { types: types.slice(0, n), units: units.slice(0, n) };
    if (this.list.length >= this.limit) return shape;
    this.numbers.set(shape.units, this.list.length);
    this.list.push(shape);
    this.byHash.add(hash, shape);
    return shape;
  }
}

/** Folds one (type, units) entry into a shape's hash; start from 0. */
export function hashStep(hash: number, type: number, units: number): number {
  let h = Math.imul(hash ^ type, 0x9e3779b1);
  h = Math.imul(h ^ (units | 0), 0x85ebca6b);
  // Units reach 10^15: fold in the bits above 32 too.
  h = Math.imul(h ^ ((units / 0x1_0000_0000) | 0), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

function same(s: Shape, types: readonly number[], units: readonly number[], n: number): boolean {
  if (s.types.length !== n) return false;
  for (let i = 0; i < n; i++) if (s.types[i] !== types[i] || s.units[i] !== units[i]) return false;
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
