/**
 * Resource type names are user data: dense indices keep the ledger's vectors plain arrays and
 * names such as `__proto__` out of object keys in the core.
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
