import { HashBuckets } from './hash-buckets.js';

/** Requirements resolved to resource type indices and integer units, in request order. */
export interface Shape {
  readonly types: readonly number[];
  readonly units: readonly number[];
}

/**
 * Interns shapes, so that every request and allocation of one shape shares one pair of
 * arrays. Clients ask for a few shapes over and over; sharing them means an allocate
 * builds no arrays of its own, and an allocation that is remembered after it ends (for
 * retried releases) keeps nothing alive but its id. The first `limit` distinct shapes are
 * interned; any further one gets arrays of its own, so memory stays bounded.
 */
export class Shapes {
  private readonly byHash = new HashBuckets<Shape>();
  private count = 0;

  constructor(private readonly limit: number) {}

  /** Shapes interned so far. */
  get size(): number {
    return this.count;
  }

  /**
   * The shape made of the first `n` entries of `types` and `units` (scratch arrays the
   * caller reuses), whose hash is `hash` (see `hashStep`).
   */
  intern(types: readonly number[], units: readonly number[], n: number, hash: number): Shape {
    const bucket = this.byHash.bucket(hash);
    for (let i = 0; i < bucket.length; i++) if (same(bucket[i]!, types, units, n)) return bucket[i]!;
    const shape: Shape = { types: types.slice(0, n), units: units.slice(0, n) };
    if (this.count >= this.limit) return shape;
    this.count++;
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
