import { describe, expect, it, vi } from 'vitest';

vi.mock('./app.svelte', () => ({ announce: vi.fn(), checkFatal: vi.fn(() => false) }));

import { announce, checkFatal } from './app.svelte';
import { announceFailure, latestWins, oneAtATime, saveFailure } from './run';

describe('announceFailure', () => {
  it('announces and returns the message of an ordinary failure', () => {
    vi.mocked(announce).mockClear();
    const msg = announceFailure({ kind: 'not_found', message: 'weg' });
    expect(msg).toEqual(expect.any(String));
    expect(announce).toHaveBeenCalledWith(msg);
  });
  it('words the message in the topic\'s own wording when given one', () => {
    vi.mocked(announce).mockClear();
    expect(announceFailure({ kind: 'not_found', message: 'weg' }, () => 'Eigene Worte')).toBe('Eigene Worte');
    expect(announce).toHaveBeenCalledWith('Eigene Worte');
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

describe('latestWins', () => {
  it('shows only the answer of the latest load', async () => {
    const latest = latestWins();
    let answerFirst = (_: string) => {};
    const show = vi.fn();
    const first = latest(() => new Promise<string>((r) => (answerFirst = r)), show, () => {});
    await latest(async () => 'second', show, () => {});
    answerFirst('first');
    await first;
    expect(show.mock.calls).toEqual([['second']]);
  });
  it('hands a failure of the latest load to fail as a message, and drops one overtaken', async () => {
    const latest = latestWins();
    const fail = vi.fn();
    let failFirst = (_: unknown) => {};
    const first = latest(() => new Promise((_, reject) => (failFirst = reject)), () => {}, fail);
    await latest(() => Promise.reject({ kind: 'not_found', message: 'weg' }), () => {}, fail);
    failFirst({ kind: 'not_found', message: 'alt' });
    await first;
    expect(fail).toHaveBeenCalledOnce();
    expect(fail).toHaveBeenCalledWith(expect.any(String));
  });
});

describe('saveFailure', () => {
  const focused: string[] = [];
  vi.stubGlobal('document', { getElementById: (id: string) => ({ focus: () => focused.push(id) }) });
  const form = { intro: 'feed.has_errors', order: ['feed-url', 'feed-name'], generalId: 'feed-form-error' };

  it('puts a failure about a field at that field and focuses it', async () => {
    const show = vi.fn();
    focused.length = 0;
    await saveFailure(form, show)('feed-name', 'Zu lang');
    expect(show).toHaveBeenCalledWith({ 'feed-name': 'Zu lang' }, '');
    expect(announce).toHaveBeenLastCalledWith(expect.stringContaining('Zu lang'));
    expect(focused).toEqual(['feed-name']);
  });
  it("shows any other as the form's error, announced, and focuses it when the form says where", async () => {
    const show = vi.fn();
    focused.length = 0;
    await saveFailure(form, show)(null, 'Keine Verbindung');
    expect(show).toHaveBeenCalledWith({}, 'Keine Verbindung');
    expect(announce).toHaveBeenLastCalledWith('Keine Verbindung');
    expect(focused).toEqual(['feed-form-error']);
    await saveFailure({ ...form, generalId: undefined }, show)(null, 'Keine Verbindung');
    expect(focused).toEqual(['feed-form-error']);
  });
});
