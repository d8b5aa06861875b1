import { fail } from '../protocol/errors.js';
import { amountProblem, toUnits } from './amounts.js';
import type { Pools } from './pools.js';
import type { ResourceTypes } from './resource-types.js';
import { Shapes, hashStep, type Shape } from './shapes.js';

/** A requirement as on the wire: a resource type and an amount (<= 3 decimals). */
export interface Requirement {
  readonly type: string;
  readonly amount: number;
}

/** Distinct requirement shapes interned (about 200 bytes each); see Shapes. */
const SHAPES_INTERNED = 4096;

/** Checks an allocate's requirements and resolves them to a shape shared by its like. */
export class Requirements {
  private readonly shapes = new Shapes(SHAPES_INTERNED);
  /** Reused by resolve() while it checks a request's requirements. */
  private readonly scratchTypes: number[] = [];
  private readonly scratchUnits: number[] = [];

  constructor(
    private readonly types: ResourceTypes,
    private readonly pools: Pools,
  ) {}

  /** Wire requirements to an interned shape; bad amounts, unknown and duplicate types are code 12. */
  resolve(requirements: readonly Requirement[]): Shape {
    const types = this.scratchTypes;
    const units = this.scratchUnits;
    const ledgerTypes = this.types;
    let hash = 0;
    for (let i = 0; i < requirements.length; i++) {
      const r = requirements[i]!;
      const problem = amountProblem(r.amount);
      if (problem !== undefined) throw fail.malformed(`requirements[${i}].amount ${problem}`);
      const t = ledgerTypes.indexOf(r.type);
      if (t < 0) {
        const known = ledgerTypes.list().map((n) => JSON.stringify(n)).join(', ');
        throw fail.malformed(`requirements[${i}].type ${JSON.stringify(r.type)} is not a known resource type (known: ${known})`);
      }
      for (let j = 0; j < i; j++) {
        if (types[j] === t) throw fail.malformed(`requirements[${i}].type ${JSON.stringify(r.type)} appears twice in one request`);
      }
      const u = toUnits(r.amount);
      this.pools.checkWhole(t, u, i);
      types[i] = t;
      units[i] = u;
      hash = hashStep(hash, t, u);
    }
    return this.shapes.intern(types, units, requirements.length, hash);
  }
}
