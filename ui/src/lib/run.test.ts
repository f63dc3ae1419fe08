import { describe, expect, it, vi } from 'vitest';

vi.mock('./app.svelte', () => ({ announce: vi.fn(), checkFatal: vi.fn(() => false) }));

import { announce } from './app.svelte';
import { oneAtATime } from './run';

describe('oneAtATime', () => {
  it('ignores a second action while the first one runs', async () => {
    const run = oneAtATime();
    let release = () => {};
    const first = vi.fn(() => new Promise<void>((r) => (release = r)));
    const second = vi.fn(async () => {});
    const p = run(first, () => {});
    await run(second, () => {});
    expect(second).not.toHaveBeenCalled();
    release();
    await p;
    await run(second, () => {});
    expect(second).toHaveBeenCalledOnce();
  });
  it('reports a failure to the caller and the live region, and runs again afterwards', async () => {
    const run = oneAtATime();
    const onError = vi.fn();
    await run(async () => {
      throw { kind: 'validation', message: 'Zu lang' };
    }, onError);
    expect(onError).toHaveBeenCalledOnce();
    expect(announce).toHaveBeenCalledWith(onError.mock.calls[0][0]);
    const next = vi.fn(async () => {});
    await run(next, onError);
    expect(next).toHaveBeenCalledOnce();
  });
});
