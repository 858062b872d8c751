import { KeysetPages } from './keyset-pages';

describe('keyset pages', () => {
  it('follows next cursors and goes back through the ones seen', () => {
    const pages = new KeysetPages();
    expect(pages.cursorOf(0)).toBeUndefined();
    expect(pages.cursorOf(1)).toBeNull();
    pages.arrived(0, 'c1');
    expect([pages.hasPrevious, pages.hasNext]).toEqual([false, true]);
    expect(pages.cursorOf(1)).toBe('c1');
    pages.arrived(1, 'c2');
    pages.arrived(2, null);
    expect([pages.index, pages.hasPrevious, pages.hasNext]).toEqual([2, true, false]);
    // back to page 1: its cursor is kept, and the next one comes again with its answer
    expect(pages.cursorOf(1)).toBe('c1');
    pages.arrived(1, 'c2');
    expect([pages.index, pages.hasNext, pages.cursorOf(2)]).toEqual([1, true, 'c2']);
    expect(pages.cursorOf(-1)).toBeNull();
  });

  it('starts over on new filters', () => {
    const pages = new KeysetPages();
    pages.arrived(0, 'c1');
    pages.arrived(1, 'c2');
    pages.reset();
    expect([pages.index, pages.hasPrevious, pages.hasNext, pages.cursorOf(1)]).toEqual([0, false, false, null]);
  });
});
