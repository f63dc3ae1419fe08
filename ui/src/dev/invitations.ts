// Mock domain: own events and their invitations (organiser side): the event form, choosing
// invitees, the RSVP overview, exports, replies and sending by mail.
import type {
  Candidate,
  EventRef,
  InvitePreview,
  Invitee,
  InviteeFilter,
  OwnEventInput,
  Partstat,
  ReplyImport,
  Rsvp,
  RsvpCounts,
  SendReport,
} from '../backend';
import { fold } from '../lib/contacts';
import { isTimeZone, zoneOffset } from '../lib/events';
import { live, me, orgs } from './contacts';
import { occs, type StoredOcc } from './events';
import { LANDS } from './fixtures/reference';
import { NOT_A_REPLY_WARNING, REPLY_PARTSTAT, REPLY_UNKNOWN_ATTENDEE } from './fixtures/replies';
import { attendances } from './networking';
import { at, clone, dateOnly, decodeFile, delay, invalid, nextId, notFound, now, settings, uid, written } from './state';
import type { MockHandlers } from './types';

interface MockInvitee extends Invitee {
  /** SEQUENCE of the last message "sent" to them, -1 for none. */
  sentSequence: number;
  /** The last message was a cancellation. */
  sentCancel: boolean;
}

interface OwnStored {
  input: OwnEventInput;
  sequence: number;
  cancelled: boolean;
  invitees: MockInvitee[];
}
const ownEvents = new Map<string, OwnStored>();

/** A local `YYYY-MM-DDTHH:MM` in `zone` as RFC 3339 UTC. */
function localToUtc(local: string, zone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offset = zoneOffset(new Date(guess), zone);
  return new Date(guess - offset * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkOwnInput(input: OwnEventInput): { start: string; end: string; allDay: boolean; tz: string } {
  if (!input.title.trim() || input.title.length > 500) {
    throw invalid('title_required', 'title', 'an event needs a title of at most 500 characters');
  }
  const tz = input.tz?.trim() || 'Europe/Berlin';
  if (!isTimeZone(tz)) throw invalid('tz_unknown', 'tz', `'${tz}' is not an IANA time zone`);
  const kind = (field: string, v: string): 'date' | 'time' => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v.trim())) return 'date';
    if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/.test(v.trim())) return 'time';
    throw invalid('time_invalid', field, `'${v}' is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM`);
  };
  const ks = kind('start', input.start);
  const ke = kind('end', input.end);
  if (ks !== ke) throw invalid('time_mixed', 'end', 'start and end must both be dates or both be times');
  const allDay = ks === 'date';
  const start = allDay ? input.start.trim() : localToUtc(input.start, tz);
  const end = allDay ? input.end.trim() : localToUtc(input.end, tz);
  if (end <= start) throw invalid('end_before_start', 'end', 'the end must lie after the start');
  return { start, end, allDay, tz };
}

function ownOcc(uidArg: string): StoredOcc {
  const o = occs.find((x) => x.uid === uidArg && x.feed === null);
  if (!o) throw notFound(`own event ${uidArg} not found`);
  return o;
}

function own(uidArg: string): OwnStored {
  const e = ownEvents.get(uidArg);
  if (!e) throw notFound(`own event ${uidArg} not found`);
  return e;
}

/** The occurrence fields an own event's form sets. */
function formFields(input: OwnEventInput, c: ReturnType<typeof checkOwnInput>) {
  return {
    title: input.title.trim(),
    start: c.start,
    end: c.end,
    all_day: c.allDay,
    location: input.location?.trim() || null,
    description: input.description?.trim() || null,
    url: input.url?.trim() || null,
    tzid: c.allDay ? null : c.tz,
  };
}

function createOwnEvent(input: OwnEventInput): EventRef {
  const c = checkOwnInput(input);
  const u = `${uid()}@vernetzt`;
  const o: StoredOcc = {
    uid: u,
    recurrence_id: null,
    status: 'confirmed',
    organizer: organizer()?.email ?? null,
    feed: null,
    event_id: nextId(),
    feed_id: 0,
    ...formFields(input, c),
  };
  occs.push(o);
  ownEvents.set(u, { input: { ...input, tz: o.tzid }, sequence: 0, cancelled: false, invitees: [] });
  return { event_id: o.event_id, uid: u, occurrence: '', title: o.title, start: o.start };
}

function updateOwnEvent(uidArg: string, input: OwnEventInput): number {
  const e = own(uidArg);
  const o = ownOcc(uidArg);
  const fields = formFields(input, checkOwnInput(input));
  if (o.start !== fields.start || o.end !== fields.end || o.location !== fields.location) e.sequence += 1;
  Object.assign(o, fields);
  e.input = { ...input, tz: fields.tzid };
  for (const i of e.invitees) if (i.delivery === 'sent' && i.sentSequence < e.sequence) i.delivery = 'pending';
  return e.sequence;
}

function copyEvent(eventId: number, occurrence: string | null): OwnEventInput {
  const o = occs.find((x) => x.event_id === eventId && (occurrence === null || x.start === occurrence)) ?? occs.find((x) => x.event_id === eventId);
  if (!o) throw notFound(`event ${eventId} not found`);
  const tz = o.tzid && isTimeZone(o.tzid) ? o.tzid : 'Europe/Berlin';
  const local = (iso: string) => {
    const parts = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).formatToParts(new Date(iso));
    const g = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
    return `${g('year')}-${g('month')}-${g('day')}T${g('hour')}:${g('minute')}`;
  };
  return {
    title: o.title,
    start: o.all_day ? o.start : local(o.start),
    end: o.all_day ? o.end : local(o.end),
    tz: o.all_day ? null : tz,
    location: o.location,
    description: o.description,
    url: o.url,
  };
}

function organizer(): { name: string; email: string } | null {
  const m = me();
  const email = settings.organizer_email?.trim() || m?.emails[0] || '';
  if (!email) return null;
  return { name: settings.organizer_name?.trim() || m?.name || '', email };
}

function needOrganizer(): { name: string; email: string } {
  const o = organizer();
  if (!o) throw invalid('organizer_missing', 'organizer_email', "set the organiser's e-mail address in the settings first");
  return o;
}

function candidates(ids: readonly number[], filter: InviteeFilter): Candidate[] {
  const empty = Object.values(filter).every((v) => v === undefined || v === null || v === '');
  let landKey: string | null = null;
  if (filter.land) {
    const q = filter.land;
    const l = LANDS.find((x) => x.key === q || x.short_code.toLowerCase() === q.toLowerCase() || fold(x.name) === fold(q));
    if (!l) throw invalid('land_unknown', 'land', `'${q}' is not a Land`);
    landKey = l.key;
  }
  const attendedBy = (id: number) =>
    [...attendances].some(([k, a]) => k.startsWith(`${filter.attended}\u001f`) && a.rows.get(id) === 'attended');
  return live()
    .filter((c) => {
      if (ids.includes(c.id)) return true;
      if (empty) return false;
      const org = c.organization_id === null ? null : (orgs.find((o) => o.id === c.organization_id) ?? null);
      if (filter.level && org?.level !== filter.level) return false;
      if (landKey && org?.land_key !== landKey) return false;
      if (filter.org && c.organization_id !== filter.org) return false;
      if (filter.tag && !c.tags.some((t) => t.toLowerCase() === filter.tag?.toLowerCase())) return false;
      if (filter.themenfeld && !c.themenfelder.includes(filter.themenfeld)) return false;
      if (filter.attended && !attendedBy(c.id)) return false;
      return true;
    })
    .map((c) => ({ contact_id: c.id, name: c.name, email: c.emails[0]?.toLowerCase() ?? null, organization: c.organization }));
}

function invitePreview(uidArg: string, ids: readonly number[], filter: InviteeFilter): InvitePreview {
  const e = own(uidArg);
  const invited = new Set(e.invitees.filter((i) => !i.removed).map((i) => i.email));
  const seen = new Set<string>();
  const p: InvitePreview = { ready: [], without_email: [], already_invited: [] };
  for (const c of candidates(ids, filter)) {
    if (!c.email) p.without_email.push(c);
    else if (invited.has(c.email) || seen.has(c.email)) p.already_invited.push(c);
    else {
      seen.add(c.email);
      p.ready.push(c);
    }
  }
  return p;
}

function newInvitee(contactId: number | null, name: string, email: string, partstat: Partstat = 'needs-action'): MockInvitee {
  return {
    id: nextId(),
    contact_id: contactId,
    name,
    email,
    partstat,
    answered_at: null,
    answered_earlier_version: false,
    removed: false,
    delivery: 'not_sent',
    error: null,
    sentSequence: -1,
    sentCancel: false,
  };
}

function inviteAdd(uidArg: string, ids: readonly number[], filter: InviteeFilter): InvitePreview {
  const p = invitePreview(uidArg, ids, filter);
  const e = own(uidArg);
  if (e.cancelled) throw invalid('event_cancelled', 'event', 'the event is cancelled; nobody can be invited to it');
  for (const c of p.ready) {
    const email = c.email ?? '';
    const old = e.invitees.find((i) => i.email === email);
    if (old) {
      old.removed = false;
      old.name = c.name;
      old.contact_id = c.contact_id;
      old.delivery = old.sentSequence === e.sequence && !old.sentCancel ? 'sent' : 'pending';
    } else {
      e.invitees.push(newInvitee(c.contact_id, c.name, email));
    }
  }
  return p;
}

function inviteRemove(uidArg: string, ids: readonly number[], emails: readonly string[]): number {
  const e = own(uidArg);
  const lower = emails.map((x) => x.toLowerCase());
  let n = 0;
  for (const i of e.invitees) {
    if (!i.removed && ((i.contact_id !== null && ids.includes(i.contact_id)) || lower.includes(i.email))) {
      i.removed = true;
      if (i.sentSequence >= 0) i.delivery = 'pending';
      n += 1;
    }
  }
  if (n === 0) throw notFound('invitee not found');
  return n;
}

function rsvpOf(uidArg: string): Rsvp {
  const e = own(uidArg);
  const o = ownOcc(uidArg);
  const list = [...e.invitees].sort((a, b) => Number(a.removed) - Number(b.removed) || a.name.localeCompare(b.name, 'de'));
  const counts: RsvpCounts = { invited: 0, accepted: 0, declined: 0, tentative: 0, delegated: 0, needs_action: 0 };
  for (const i of list.filter((x) => !x.removed)) {
    counts.invited += 1;
    if (i.partstat === 'needs-action') counts.needs_action += 1;
    else counts[i.partstat] += 1;
  }
  return {
    uid: uidArg,
    title: o.title,
    sequence: e.sequence,
    cancelled: e.cancelled,
    invitees: list.map(({ sentSequence: _s, sentCancel: _c, ...i }) => i),
    counts,
  };
}

function exportInvitations(uidArg: string, dir: string | null) {
  needOrganizer();
  const e = own(uidArg);
  const stem = e.cancelled ? 'absage' : 'einladung';
  const active = e.invitees.filter((i) => !i.removed);
  return written(dir, [`${stem}.ics`, ...active.map((i, n) => `${stem}-${String(n + 1).padStart(4, '0')}-${i.email.replace(/[^a-z0-9.@-]/gi, '_')}.eml`)]);
}

/** The fixture reply (fixtures/replies.ts): the first invitee still waiting answers. */
function importReply(data: string): ReplyImport {
  const out: ReplyImport = { report: { applied: 0, stale: 0, unknown_event: 0, unknown_attendee: [], events: [] }, found: 0, warnings: [] };
  if (!/METHOD:REPLY/i.test(decodeFile(data))) {
    out.warnings.push(NOT_A_REPLY_WARNING);
    return out;
  }
  out.found = 1;
  for (const [u, e] of ownEvents) {
    const i = e.invitees.find((x) => !x.removed && x.partstat === 'needs-action');
    if (!i) continue;
    i.partstat = REPLY_PARTSTAT;
    i.answered_at = now();
    i.answered_earlier_version = false;
    out.report.applied = 1;
    out.report.events.push(u);
    return out;
  }
  out.report.unknown_attendee.push(REPLY_UNKNOWN_ATTENDEE);
  return out;
}

function checkSmtpUrl(url: string, example: string): void {
  if (!/^smtps?:\/\/[^\s/]+/.test(url)) throw invalid('smtp_url_invalid', 'smtp_url', `'${url}' is not an SMTP address${example}`);
}

function sendInvitations(uidArg: string): SendReport {
  const url = settings.smtp_url?.trim() ?? '';
  checkSmtpUrl(url, ' like smtp://mail.example.org:587');
  if (url.includes('.invalid')) {
    throw { kind: 'network', code: 'smtp_unreachable', field: 'smtp_url', message: `${url}: host not found` };
  }
  needOrganizer();
  const e = own(uidArg);
  const r: SendReport = { sent: 0, requests: 0, cancels: 0, failed: [], uncertain: [], remaining: 0, stopped: null };
  for (const i of e.invitees) {
    const cancel = e.cancelled || i.removed;
    if (cancel && (i.sentSequence < 0 || i.sentCancel)) continue;
    if (!cancel && i.sentSequence === e.sequence && !i.sentCancel) continue;
    if (i.email.includes('fail')) {
      i.delivery = 'failed';
      i.error = '550 5.1.1 mailbox unavailable';
      r.failed.push({ email: i.email, error: i.error });
      continue;
    }
    i.delivery = 'sent';
    i.error = null;
    i.sentSequence = e.sequence;
    i.sentCancel = cancel;
    r.sent += 1;
    if (cancel) r.cancels += 1;
    else r.requests += 1;
  }
  return r;
}

/** An own event with invitees in every state, so the overview shows something in dev. */
export function seedOwnEvents(): void {
  const ref = createOwnEvent({
    title: 'Netzwerktreffen OZG-Koordination',
    start: `${dateOnly(20)}T10:00`,
    end: `${dateOnly(20)}T15:30`,
    tz: 'Europe/Berlin',
    location: 'Berlin, Alt-Moabit 140',
    description: 'Austausch der OZG-Koordinierenden aus Bund, Ländern und Kommunen.',
    url: null,
  });
  const e = own(ref.uid);
  const states: Partstat[] = ['accepted', 'declined', 'tentative', 'needs-action', 'accepted'];
  live()
    .filter((c) => c.emails.length > 0)
    .slice(0, 5)
    .forEach((c, n) => {
      const i = newInvitee(c.id, c.name, c.emails[0].toLowerCase(), states[n]);
      i.answered_at = states[n] === 'needs-action' ? null : at(-n - 1, 9);
      i.delivery = n === 3 ? 'failed' : 'sent';
      i.error = n === 3 ? '550 5.1.1 mailbox unavailable' : null;
      i.sentSequence = n === 3 ? -1 : 0;
      e.invitees.push(i);
    });
}

export const invitationHandlers = {
  own_event_create: ({ input }) => createOwnEvent(input),
  own_event_get: ({ uid: u }) => {
    const e = own(u);
    return clone({ event_id: ownOcc(u).event_id, uid: u, input: e.input, sequence: e.sequence, cancelled: e.cancelled });
  },
  own_event_update: ({ uid: u, input }) => updateOwnEvent(u, input),
  own_event_cancel: ({ uid: u }) => {
    const e = own(u);
    if (!e.cancelled) {
      e.cancelled = true;
      e.sequence += 1;
      ownOcc(u).status = 'cancelled';
    }
    return e.sequence;
  },
  event_copy: ({ eventId, occurrence }) => copyEvent(eventId, occurrence),
  invite_preview: ({ uid: u, contacts, filter }) => clone(invitePreview(u, contacts, filter)),
  invite_add: ({ uid: u, contacts, filter }) => clone(inviteAdd(u, contacts, filter)),
  invite_remove: ({ uid: u, contacts, emails }) => inviteRemove(u, contacts, emails),
  rsvp_get: ({ uid: u }) => clone(rsvpOf(u)),
  invite_export: async ({ uid: u, dir }) => {
    await delay(200);
    return exportInvitations(u, dir);
  },
  rsvp_export_csv: ({ uid: u, dir }) => {
    own(u);
    return written(dir, ['rueckmeldungen.csv']);
  },
  reply_import: ({ data }) => importReply(data),
  smtp_password_set: ({ url }) => checkSmtpUrl(url, ''),
  invite_send: async ({ uid: u }) => {
    await delay(1200);
    return clone(sendInvitations(u));
  },
} satisfies Partial<MockHandlers>;
