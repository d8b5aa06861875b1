import { input, refuse, words } from '../errors.js';
import { SCALE } from './amounts.js';
import type { HeldAllocation } from '../model.js';

/** One resource type whose units are named members (`--pool robot=r1,r2`). */
interface MemberPool {
  readonly type: number;
  readonly typeName: string;
  /** Member names in declaration order. */
  readonly names: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** The allocation id holding each member (parallel to `names`), or undefined when free. */
  readonly holders: (string | undefined)[];
  free: number;
}

/**
 * Which allocation holds which named member; the ledger counts a member as one whole unit, and free
 * members go out lowest-declared first. See docs/pools-and-demo.md.
 */
export class Pools {
  /** Pools by type index; sparse, most types are not member types. */
  private readonly byType: (MemberPool | undefined)[] = [];
  private readonly order: MemberPool[] = [];

  /** True once any member type is declared. */
  get declared(): boolean {
    return this.order.length > 0;
  }

  /** Declares `names` as the members of type `t` (`typeName` for messages). */
  declare(t: number, typeName: string, names: readonly string[]): void {
    if (this.byType[t] !== undefined) throw new Error(`pool ${typeName} declared twice`);
    const pool: MemberPool = {
      type: t,
      typeName,
      names: [...names],
      indexOf: new Map(names.map((n, i) => [n, i])),
      holders: names.map(() => undefined),
      free: names.length,
    };
    this.byType[t] = pool;
    this.order.push(pool);
  }

  /** True when type `t` is made of named members. */
  isMemberType(t: number): boolean {
    return this.byType[t] !== undefined;
  }

  /** Member types in declaration order, as type indices. */
  memberTypes(): number[] {
    return this.order.map((p) => p.type);
  }

  /** Member names of type `t` in declaration order (empty for a plain type). */
  membersOf(t: number): readonly string[] {
    return this.byType[t]?.names ?? [];
  }

  /** Free members of type `t`. */
  freeCount(t: number): number {
    return this.byType[t]?.free ?? 0;
  }

  /** Refuses (invalid) unless `units` of type `t` (requirement `index` of a request) is a whole number of members. */
  checkWhole(t: number, units: number, index: number): void {
    const pool = this.byType[t];
    if (pool !== undefined && units % SCALE !== 0) {
      throw refuse.invalid(`requirements[${index}].amount must be a whole number for the member type ${JSON.stringify(pool.typeName)}`);
    }
  }

  /** Refuses (invalid) a capacity change of member type `t` (named `name`): its capacity is its member count. */
  checkCapacitySettable(t: number, name: string): void {
    const pool = this.byType[t];
    if (pool !== undefined) {
      throw refuse.invalid(words`${input('capacity')}.${name} cannot be set: ${JSON.stringify(pool.typeName)} is a pool of named members; its capacity is its member count (${pool.names.length})`);
    }
  }

  /**
   * Hands allocation `id` the first free members of every member type among `types` (the ledger checked
   * they fit); undefined when none is a member type, so such grants look as without pools.
   */
  take(id: string, types: readonly number[], units: readonly number[]): Map<number, string[]> | undefined {
    let taken: Map<number, string[]> | undefined;
    for (let i = 0; i < types.length; i++) {
      const pool = this.byType[types[i]!];
      if (pool === undefined) continue;
      const want = units[i]! / SCALE;
      // A mismatch means the ledger and the pool disagree: a bug, never a client error.
      if (!(want <= pool.free)) throw new Error(`pool ${pool.typeName}: ${want} members wanted, ${pool.free} free`);
      const names: string[] = [];
      for (let m = 0; names.length < want; m++) {
        if (pool.holders[m] !== undefined) continue;
        pool.holders[m] = id;
        names.push(pool.names[m]!);
      }
      pool.free -= want;
      (taken ??= new Map()).set(pool.type, names);
    }
    return taken;
  }

  /** Returns the members an ended allocation held. */
  /** On restore: allocation `id` holds exactly `members` (names per member type), as recorded. */
  takeNamed(id: string, members: ReadonlyMap<number, readonly string[]>): void {
    for (const [t, names] of members) {
      const pool = this.byType[t];
      if (pool === undefined) throw new Error(`restore: type ${t} is no pool`);
      for (const name of names) {
        const m = pool.names.indexOf(name);
        if (m < 0 || pool.holders[m] !== undefined) throw new Error(`restore: member ${JSON.stringify(name)} of ${pool.typeName} is unknown or held twice`);
        pool.holders[m] = id;
        pool.free--;
      }
    }
  }

  giveBack(a: HeldAllocation): void {
    if (a.members === undefined) return;
    for (const [t, names] of a.members) {
      const pool = this.byType[t]!;
      for (const name of names) {
        const m = pool.indexOf.get(name)!;
        if (pool.holders[m] !== a.id) continue;
        pool.holders[m] = undefined;
        pool.free++;
      }
    }
  }

  /** The members `a` holds are held by `id` from now on (a confirmed reservation's allocation). */
  transfer(a: HeldAllocation, id: string): void {
    if (a.members === undefined) return;
    for (const [t, names] of a.members) {
      const pool = this.byType[t]!;
      for (const name of names) pool.holders[pool.indexOf.get(name)!] = id;
    }
  }

  /** `[member, allocation id or null]` for member type `t`, in declaration order. */
  holders(t: number): [string, string | null][] {
    const pool = this.byType[t];
    if (pool === undefined) return [];
    return pool.names.map((name, m) => [name, pool.holders[m] ?? null]);
  }
}
