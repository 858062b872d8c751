/** Collects bind parameters and hands out their placeholders, so no value is ever spliced into SQL. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
