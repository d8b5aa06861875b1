/**
 * Resource type names are user data. They map to dense indices so that every vector
 * in the ledger is a plain array, and so that names such as `__proto__` are never
 * used as object keys anywhere in the core.
 */
export class ResourceTypes {
  private readonly byName = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly keys: string[] = [];

  /** Index of `name`, or -1 when the type is unknown. */
  indexOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** Index of `name`, registering it when new. */
  intern(name: string): number {
    let i = this.byName.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.keys.push(`${JSON.stringify(name)}:`);
      this.byName.set(name, i);
    }
    return i;
  }

  name(index: number): string {
    return this.names[index]!;
  }

  /** `"name":` as JSON text. */
  jsonKey(index: number): string {
    return this.keys[index]!;
  }

  get size(): number {
    return this.names.length;
  }

  /** Names in declaration order. */
  list(): readonly string[] {
    return this.names;
  }
}
