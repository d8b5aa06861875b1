import { refuse } from '../errors.js';
import { amountProblem, toUnits } from './amounts.js';
import type { Pools } from './pools.js';
import type { ResourceTypes } from './resource-types.js';
import { hashStep, type Shape, type Shapes } from './shapes.js';

/** A requirement as on the wire: a resource type and an amount (<= 3 decimals). */
export interface Requirement {
  readonly type: string;
  readonly amount: number;
}

/** Checks an allocate's requirements and resolves them to a shape shared by its like. */
export class Requirements {
  /** Reused by resolve() while it checks a request's requirements. */
  private readonly scratchTypes: number[] = [];
  private readonly scratchUnits: number[] = [];
  /** The requirements resolved last, as given, and their shape: asked again, it is the answer. */
  private readonly lastNames: string[] = [];
  private readonly lastAmounts: number[] = [];
  private lastShape: Shape | undefined;

  constructor(
    private readonly types: ResourceTypes,
    private readonly pools: Pools,
    private readonly shapes: Shapes,
  ) {}

  /** Requirements to an interned shape; bad amounts, unknown and duplicate types are refused (invalid). */
  resolve(requirements: readonly Requirement[]): Shape {
    // Most clients ask for what they asked for before. Types are never forgotten and pools
    // never change, so requirements that resolved once resolve the same way again.
    if (this.lastShape !== undefined && requirements.length === this.lastNames.length && this.sameAsLast(requirements)) return this.lastShape;
    const types = this.scratchTypes;
    const units = this.scratchUnits;
    const ledgerTypes = this.types;
    let hash = 0;
    for (let i = 0; i < requirements.length; i++) {
      const r = requirements[i]!;
      const problem = amountProblem(r.amount);
      if (problem !== undefined) throw refuse.invalid(`requirements[${i}].amount ${problem}`);
      const t = ledgerTypes.indexOf(r.type);
      if (t < 0) {
        const known = listSome(ledgerTypes.list());
        throw refuse.invalid(`requirements[${i}].type ${JSON.stringify(r.type)} is not a known resource type (known: ${known})`);
      }
      for (let j = 0; j < i; j++) {
        if (types[j] === t) throw refuse.invalid(`requirements[${i}].type ${JSON.stringify(r.type)} appears twice in one request`);
      }
      const u = toUnits(r.amount);
      this.pools.checkWhole(t, u, i);
      types[i] = t;
      units[i] = u;
      hash = hashStep(hash, t, u);
    }
    const shape = this.shapes.intern(types, units, requirements.length, hash);
    this.lastNames.length = 0;
    this.lastAmounts.length = 0;
    for (const r of requirements) {
      this.lastNames.push(r.type);
      this.lastAmounts.push(r.amount);
    }
    this.lastShape = shape;
    return shape;
  }

  private sameAsLast(requirements: readonly Requirement[]): boolean {
    for (let i = 0; i < requirements.length; i++) {
      const r = requirements[i]!;
      if (r.type !== this.lastNames[i] || r.amount !== this.lastAmounts[i]) return false;
    }
    return true;
  }
}

/** Types named in an error, quoted: the first KNOWN_LISTED and how many more, so the text stays short. */
const KNOWN_LISTED = 20;

export function listSome(names: readonly string[]): string {
  const shown = names.slice(0, KNOWN_LISTED).map((n) => JSON.stringify(n)).join(', ');
  return names.length > KNOWN_LISTED ? `${shown} and ${names.length - KNOWN_LISTED} more` : shown;
}
