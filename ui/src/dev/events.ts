// Mock domain: calendar feeds and the events they bring (the calendar view), plus the lookups of
// an event by UID or id that attendance, series and invitations share.
import type { EventRef, Feed, FeedCounts, FeedInput, FeedRemoval, FeedSyncResult, Occurrence } from '../backend';
import { counts, feedSeeds, unreachable } from './fixtures/feeds';
import { type OccurrenceSeed, occurrence } from './fixtures/occurrence';
import { at, clone, dateOnly, delay, invalid, nextId, notFound, now, uid } from './state';
import type { MockHandlers } from './types';

/** An occurrence and the feed it came from (0 for own events). */
export interface StoredOcc extends Occurrence {
  feed_id: number;
}
export const feeds: Feed[] = [];
export const occs: StoredOcc[] = [];
let fitkoSyncs = 0;

function addFeedRow(f: Partial<Feed> & Pick<Feed, 'url' | 'name'>): Feed {
  const feed: Feed = {
    id: nextId(),
    uid: uid(),
    auth: { kind: 'none' },
    last_success_at: null,
    last_attempt_at: null,
    last_error: null,
    last_counts: null,
    failures: 0,
    refresh_minutes: 60,
    etag: null,
    last_modified: null,
    events: 0,
    ...f,
  };
  feeds.push(feed);
  return feed;
}

function addOcc(feed: Feed, o: OccurrenceSeed): void {
  const own = { uid: `${uid()}@${new URL(feed.url).host}`, tzid: 'Europe/Berlin', feed: feed.name };
  occs.push({ ...occurrence({ ...own, event_id: nextId(), ...o }), feed_id: feed.id });
}

export function seedFeeds(): void {
  for (const { feed, events } of feedSeeds()) {
    const f = addFeedRow(feed);
    for (const e of events) addOcc(f, e);
  }
  refreshCounts();
}

function refreshCounts(): void {
  for (const f of feeds) f.events = occs.filter((o) => o.feed_id === f.id).length;
}

/** Start and end of an occurrence as milliseconds (all-day dates as UTC midnight). */
export function span(o: Occurrence): [number, number] {
  const ms = (v: string) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v).getTime();
  return [ms(o.start), ms(o.end)];
}

function getFeed(id: number): Feed {
  const f = feeds.find((x) => x.id === id);
  if (!f) throw notFound(`feed ${id} not found`);
  return f;
}

/** The occurrence `uid` (one of a recurring event when `occurrence` is set) as a reference. */
export function eventRef(uidArg: string, occurrence: string | null): EventRef {
  const o = occs.find((x) => x.uid === uidArg && (occurrence === null || x.recurrence_id === occurrence));
  if (!o) throw notFound(`event ${uidArg} not found`);
  return { event_id: o.event_id, uid: o.uid, occurrence: occurrence ?? '', title: o.title, start: o.start };
}

/** The same reference when the UID is optional (a capture without an event). */
export function maybeEventRef(uidArg: string | null, occurrence: string | null): EventRef | null {
  return uidArg === null ? null : eventRef(uidArg, occurrence);
}

export function eventById(id: number): EventRef {
  const o = occs.find((x) => x.event_id === id);
  if (!o) throw notFound(`event ${id} not found`);
  return eventRef(o.uid, o.recurrence_id);
}

function addFeed(input: FeedInput): Feed {
  let url = input.url.trim().replace(/^(webcal|webcals|feed):\/\//i, 'https://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('url_invalid', 'url', `"${input.url}" is not a usable feed address (no scheme); enter the full address, starting with https:// or webcal://.`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol === 'http:' && !local) {
    throw invalid('insecure', 'url', `The address ${url} uses unencrypted http://, which Vernetzt allows only for this computer (localhost); use the https:// address of the feed instead.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw invalid('url_invalid', 'url', `The address ${url} uses "${parsed.protocol}", which Vernetzt cannot subscribe to.`);
  }
  url = parsed.toString();
  if (feeds.some((f) => f.url === url)) throw invalid('feed_exists', 'url', `the feed ${url} is already subscribed`);
  if (parsed.hostname.endsWith('.invalid')) {
    throw {
      kind: 'dns',
      message: `The server name ${parsed.hostname} could not be found; check the address for typos and that this computer is online.`,
    };
  }
  if (input.auth.kind === 'basic' && !input.auth.user.trim()) throw invalid('user_required', 'user', 'a user name is needed');
  return addFeedRow({ url, name: input.name?.trim() || `Kalender ${parsed.hostname}`, auth: input.auth });
}

/**
 * Removes a feed as the store does: it leaves the list, and its occurrences go unless `kept`
 * says the user has history with them (networking.ts knows attendance and encounters).
 */
export function removeFeed(id: number, kept: (o: StoredOcc) => boolean): FeedRemoval {
  const f = getFeed(id);
  feeds.splice(feeds.indexOf(f), 1);
  const before = occs.length;
  const keep = occs.filter((o) => o.feed_id !== id || kept(o));
  occs.splice(0, occs.length, ...keep);
  const left = occs.filter((o) => o.feed_id === id).length;
  return { feed_id: id, name: f.name, uid: f.uid, deleted: before - occs.length, kept: left };
}

/** One sync: the failing feed fails, an empty feed gets two events, FITKO alternates updated/304. */
function syncFeed(f: Feed): FeedSyncResult {
  const t = now();
  f.last_attempt_at = t;
  if (f.name === 'OZG-Taskforce' || f.url.includes('offline')) {
    f.failures += 1;
    f.last_error = unreachable(new URL(f.url).host);
    return { feed_id: f.id, name: f.name, counts: null, error: f.last_error };
  }
  let c: FeedCounts;
  if (f.events === 0) {
    addOcc(f, { title: `Auftakt: ${f.name}`, start: at(4, 9), end: at(4, 11), location: 'Online' });
    addOcc(f, { title: `Sprechstunde: ${f.name}`, start: dateOnly(12), end: dateOnly(13), all_day: true, tzid: null });
    c = counts({ added: 2 });
  } else if (f.name === 'FITKO') {
    fitkoSyncs += 1;
    c = fitkoSyncs % 2 ? counts({ updated: 1, unchanged: f.events - 1, warnings: f.last_counts?.warnings ?? [] }) : counts({ not_modified: true });
  } else {
    c = counts({ not_modified: true });
  }
  f.last_success_at = t;
  f.last_error = null;
  f.failures = 0;
  f.last_counts = c;
  return { feed_id: f.id, name: f.name, counts: c, error: null };
}

export const eventHandlers = {
  feeds_list: () => {
    refreshCounts();
    return clone([...feeds].sort((x, y) => x.name.localeCompare(y.name, 'de') || x.id - y.id));
  },
  feed_add: async ({ input }) => {
    await delay(300);
    return clone(addFeed(input));
  },
  feeds_sync: async ({ feedId }) => {
    await delay(700);
    refreshCounts();
    const results = (feedId === null ? [...feeds] : [getFeed(feedId)]).map(syncFeed);
    refreshCounts();
    return clone(results);
  },
  events_list: ({ from, to, feedId }) => {
    const lo = new Date(from).getTime();
    const hi = new Date(to).getTime();
    const occurrences = clone(
      occs
        .filter((o) => feedId === null || o.feed_id === feedId)
        .filter((o) => {
          const [s, e] = span(o);
          return s < hi && Math.max(e, s + 1) > lo;
        })
        .sort((x, y) => span(x)[0] - span(y)[0])
        .map(({ feed_id: _feedId, ...o }) => o),
    );
    return { occurrences, truncated: false };
  },
} satisfies Partial<MockHandlers>;
