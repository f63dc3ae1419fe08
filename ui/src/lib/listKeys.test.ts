import { describe, expect, it } from 'vitest';
import { rowTarget } from './listKeys';

const k = (key: string, mods: Partial<KeyboardEvent> = {}) => ({ key, altKey: false, ctrlKey: false, metaKey: false, ...mods });

describe('rowTarget', () => {
  it('moves within bounds', () => {
    expect(rowTarget(k('ArrowDown'), 2, 5)).toBe(3);
    expect(rowTarget(k('ArrowDown'), 4, 5)).toBe(4);
    expect(rowTarget(k('PageDown'), 0, 5)).toBe(4);
    expect(rowTarget(k('PageUp'), 3, 5)).toBe(0);
    expect(rowTarget(k('Home'), 3, 5)).toBe(0);
    expect(rowTarget(k('End'), 0, 5)).toBe(4);
  });
  it('leaves the list upwards from the first row, ignores other keys', () => {
    expect(rowTarget(k('ArrowUp'), 0, 5)).toBe('top');
    expect(rowTarget(k('a'), 0, 5)).toBeNull();
    expect(rowTarget(k('ArrowDown', { ctrlKey: true }), 0, 5)).toBeNull();
  });
});
