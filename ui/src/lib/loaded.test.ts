import { describe, expect, it, vi } from 'vitest';

vi.mock('./app.svelte', () => ({ announce: vi.fn(), checkFatal: vi.fn(() => false) }));

import { Loaded } from './loaded.svelte';

describe('Loaded', () => {
  it('shows the answer of the latest load, not of an earlier one that comes back later', async () => {
    const loaded = new Loaded<string>();
    let answerFirst = (_: string) => {};
    const first = loaded.load(() => new Promise<string>((r) => (answerFirst = r)));
    await loaded.load(async () => 'zweite');
    answerFirst('erste');
    await first;
    expect(loaded.value).toBe('zweite');
    expect(loaded.error).toBe('');
  });

  it('keeps the value on a failure and says why; the next answer clears the error', async () => {
    const loaded = new Loaded<number>();
    await loaded.load(async () => 1);
    await loaded.load(async () => {
      throw { kind: 'not_found', message: 'weg' };
    });
    expect(loaded.value).toBe(1);
    expect(loaded.error).not.toBe('');
    await loaded.load(async () => 2);
    expect([loaded.value, loaded.error]).toEqual([2, '']);
  });
});
