import { describe, expect, it, vi } from 'vitest';
import { RovingRows } from './roving.svelte';

function rows(count: number, selected = -1) {
  const onleavetop = vi.fn();
  const roving = new RovingRows({ count: () => count, selected: () => selected, rowSelector: 'button', onleavetop });
  return { roving, onleavetop };
}
const key = (k: string) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, preventDefault: vi.fn() });

describe('RovingRows', () => {
  it('keeps the last focused row in the tab order, else the selected one, else the first', () => {
    expect(rows(3, 2).roving.tabIndex).toBe(0);
    const { roving } = rows(3, 2);
    roving.focusIndex = 1;
    expect(roving.tabIndex).toBe(1);
    roving.focusIndex = 7;
    expect(roving.tabIndex).toBe(2);
    expect(rows(0).roving.tabIndex).toBe(0);
  });
  it('moves with the list keys, clamped, and leaves upwards from the first row', () => {
    const { roving, onleavetop } = rows(3);
    const down = key('End');
    roving.onkeydown(down as unknown as KeyboardEvent, 0);
    expect(roving.focusIndex).toBe(2);
    expect(down.preventDefault).toHaveBeenCalled();
    roving.onkeydown(key('ArrowUp') as unknown as KeyboardEvent, 0);
    expect(onleavetop).toHaveBeenCalledOnce();
    const other = key('a');
    roving.onkeydown(other as unknown as KeyboardEvent, 1);
    expect(other.preventDefault).not.toHaveBeenCalled();
    expect(roving.focusIndex).toBe(2);
  });
});
