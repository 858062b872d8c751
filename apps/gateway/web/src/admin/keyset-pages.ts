/**
 * Where a keyset-paged table is: the cursors of the pages seen so far (page 0 has none), so
 * Previous goes back through them and Next follows the API's nextCursor.
 */
export class KeysetPages {
  private cursors: Array<string | undefined> = [undefined];
  private current = 0;

  /** Back to the first page (new filters). */
  reset(): void {
    this.cursors = [undefined];
    this.current = 0;
  }

  get index(): number {
    return this.current;
  }

  /** The cursor that fetches page `index`, or null when that page is not reachable. */
  cursorOf(index: number): string | undefined | null {
    return index >= 0 && index < this.cursors.length ? this.cursors[index] : null;
  }

  /** Page `index` arrived with this nextCursor: it is the current page, and the next is reachable when there is one. */
  arrived(index: number, nextCursor: string | null): void {
    this.current = index;
    this.cursors.length = index + 1;
    if (nextCursor) this.cursors.push(nextCursor);
  }

  get hasPrevious(): boolean {
    return this.current > 0;
  }

  get hasNext(): boolean {
    return this.current + 1 < this.cursors.length;
  }
}
