import { describe, expect, it, vi } from 'vitest';

vi.mock('./app.svelte', () => ({ announce: vi.fn(), checkFatal: vi.fn(() => false) }));

import { announce, checkFatal } from './app.svelte';
import { announceFailure, oneAtATime } from './run';

describe('announceFailure', () => {
  it('announces and returns the message of an ordinary failure', () => {
    vi.mocked(announce).mockClear();
    const msg = announceFailure({ kind: 'not_found', message: 'weg' });
    expect(msg).toEqual(expect.any(String));
    expect(announce).toHaveBeenCalledWith(msg);
  });
  it('says nothing about a fatal one: the fatal screen does', () => {
    vi.mocked(announce).mockClear();
    vi.mocked(checkFatal).mockReturnValueOnce(true);
    expect(announceFailure({ kind: 'database', message: 'kaputt' })).toBeNull();
    expect(announce).not.toHaveBeenCalled();
  });
});

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
