import { describe, expect, it, vi } from 'vitest';
import { escapeInside } from './formKeys';

// The tests run without a DOM: a node is anything `instanceof Node`, a form contains the nodes it was given.
class FakeNode {}
vi.stubGlobal('Node', FakeNode);

function key(k: string, target: unknown, defaultPrevented = false) {
  const e = {
    key: k,
    target,
    defaultPrevented,
    prevented: false,
    stopped: false,
    preventDefault() {
      this.prevented = true;
    },
    stopPropagation() {
      this.stopped = true;
    },
  };
  return e;
}

describe('escapeInside', () => {
  const inside = new FakeNode();
  const outside = new FakeNode();
  const form = { contains: (n: unknown) => n === inside } as unknown as HTMLElement;

  it('takes an Esc pressed in the form and keeps it from the view behind', () => {
    const e = key('Escape', inside);
    expect(escapeInside(form, e as unknown as KeyboardEvent)).toBe(true);
    expect(e.prevented && e.stopped).toBe(true);
  });
  it('leaves other keys, keys outside the form and handled keys alone', () => {
    for (const e of [key('Enter', inside), key('Escape', outside), key('Escape', inside, true)]) {
      expect(escapeInside(form, e as unknown as KeyboardEvent)).toBe(false);
      expect(e.prevented || e.stopped).toBe(false);
    }
  });
  it('does nothing before the form exists', () => {
    expect(escapeInside(undefined, key('Escape', inside) as unknown as KeyboardEvent)).toBe(false);
  });
});
