// Mock domain: attendance at events, encounters, follow-ups, quick capture and the contact
// timeline that shows them together.
import type {
  AttendanceRow,
  AttendanceStatus,
  AttendanceView,
  Contact,
  Encounter,
  EventRef,
  FollowUp,
  QuickCaptureInput,
  TimelineItem,
} from '../backend';
import { fold } from '../lib/contacts';
import { addContact, contacts, get, named, newNote, orgNamed } from './contacts';
import { JOUR_FIXE } from './fixtures/feeds';
import { eventRef, maybeEventRef, occs, removeFeed, span } from './events';
import { at, clone, dateOnly, delay, invalid, nextId, notFound, now, uid } from './state';
import type { MockHandlers } from './types';

/** Who attends one event (or one occurrence): the user's own status and each contact's. */
export interface EventAttendance {
  my: AttendanceStatus | null;
  rows: Map<number, AttendanceStatus>;
}

/** Attendance keyed by `attendanceKey`. */
export const attendances = new Map<string, EventAttendance>();
export const encounters: Encounter[] = [];
export const followUps: FollowUp[] = [];

/** Event UID and occurrence ('' for a single event), as one map key. */
export function attendanceKey(e: EventRef): string {
  return `${e.uid}\u001f${e.occurrence}`;
}

export function attendanceOf(e: EventRef): EventAttendance {
  const key = attendanceKey(e);
  let a = attendances.get(key);
  if (!a) {
    a = { my: null, rows: new Map() };
    attendances.set(key, a);
  }
  return a;
}

function attendanceView(e: EventRef): AttendanceView {
  const a = attendanceOf(e);
  const rows: AttendanceRow[] = [...a.rows]
    .flatMap(([id, status]) => {
      const c = contacts.find((x) => x.id === id && !x.deleted);
      return c ? [{ contact_id: id, name: c.name, email: c.emails[0] ?? null, organization: c.organization, status }] : [];
    })
    .sort((x, y) => fold(x.name).localeCompare(fold(y.name)));
  return { event: e, my_status: a.my, rows };
}

function checkStatus(s: string): AttendanceStatus {
  if (s === 'interested' || s === 'registered' || s === 'attended') return s;
  throw invalid('status_invalid', 'status', `'${s}' is not an attendance status`);
}

function followUpRow(f: FollowUp): FollowUp {
  return { ...f, contact_name: contacts.find((c) => c.id === f.contact_id)?.name ?? f.contact_name };
}

function timeline(id: number): TimelineItem[] {
  const c = get(id);
  const items: TimelineItem[] = [];
  for (const [key, a] of attendances) {
    const status = a.rows.get(id);
    if (!status) continue;
    const [u, occ] = key.split('\u001f');
    const e = eventRef(u, occ === '' ? null : occ);
    items.push({ kind: 'event', at: e.start, event: e, status, my_status: a.my });
  }
  for (const e of encounters) if (e.contact_id === id) items.push({ kind: 'encounter', at: e.met_at, encounter: clone(e) });
  for (const n of c.notes) items.push({ kind: 'note', at: n.created_at, note: clone(n) });
  for (const f of followUps) if (f.contact_id === id) items.push({ kind: 'follow_up', at: f.due_date, follow_up: followUpRow(f) });
  return items.sort((x, y) => y.at.localeCompare(x.at));
}

function newFollowUp(contact: Contact, due: string, text: string, doneAt: string | null = null): FollowUp {
  const f: FollowUp = { id: nextId(), uid: uid(), contact_id: contact.id, contact_name: contact.name, due_date: due, text, done_at: doneAt };
  followUps.push(f);
  return f;
}

function addEncounter(contactId: number, event: EventRef | null, session: string | null, note: string | null, metAt?: string): Encounter {
  const enc: Encounter = { id: nextId(), contact_id: contactId, event, session, note, met_at: metAt ?? event?.start ?? now() };
  encounters.push(enc);
  return enc;
}

function quickCapture(input: QuickCaptureInput, event: EventRef | null): Contact {
  const name = input.name.trim();
  if (!name) throw invalid('name_required', 'display_name', 'a contact needs a name');
  const orgName = input.organization?.trim() || null;
  const parts = name.split(/\s+/);
  const c = addContact({
    display_name: name,
    given_name: parts.length > 1 ? parts.slice(0, -1).join(' ') : null,
    family_name: parts.length > 1 ? parts[parts.length - 1] : null,
    organization_id: orgName ? orgNamed(orgName).org.id : null,
    emails: input.email?.trim() ? [{ value: input.email.trim(), label: null }] : [],
  });
  const note = input.note?.trim() || null;
  if (event) {
    attendanceOf(event).rows.set(c.id, 'attended');
    addEncounter(c.id, event, null, note);
  } else if (note) {
    c.notes.push(newNote(note, c.created_at));
  }
  return c;
}

/** Attendees of three events and a contact (the first generated one) with a full timeline. */
export function seedNetworking(): void {
  const first = contacts[0];
  const j1 = named('Jördis Müller');
  const k1 = named('Dr. Kai Brandt');
  const find = (title: string) => occs.find((o) => o.title === title);
  const exchange = find('OZG-Erfahrungsaustausch der Länder');
  const conference = find('OZG-Konferenz 2025: Rückblick');
  const jourFixe = occs.filter((o) => o.uid === JOUR_FIXE).sort((a, b) => span(a)[0] - span(b)[0]);
  const set = (a: { rows: Map<number, AttendanceStatus> }, c: Contact | undefined, s: AttendanceStatus) => {
    if (c) a.rows.set(c.id, s);
  };
  if (exchange) {
    const a = attendanceOf(eventRef(exchange.uid, null));
    a.my = 'registered';
    set(a, j1, 'registered');
    set(a, k1, 'interested');
    set(a, first, 'registered');
    set(a, contacts.find((c) => c.name.startsWith('<img')), 'interested');
  }
  if (conference) {
    const e = eventRef(conference.uid, null);
    const a = attendanceOf(e);
    a.my = 'attended';
    set(a, first, 'attended');
    set(a, k1, 'attended');
    if (first) {
      addEncounter(first.id, e, 'Panel „Registermodernisierung in den Kommunen“', 'Will Unterlagen zum Wohngeld-Antrag schicken.\nKontakt zur Kämmerei herstellen.');
    }
  }
  if (jourFixe.length > 0) {
    const a = attendanceOf(eventRef(jourFixe[0].uid, jourFixe[0].recurrence_id));
    a.my = 'attended';
    set(a, first, 'attended');
  }
  if (!first) return;
  addEncounter(first.id, null, null, 'Zufällig im ICE nach Berlin getroffen.', at(-5, 16));
  newFollowUp(first, dateOnly(7), 'Unterlagen zum Wohngeld nachfragen');
  if (k1) newFollowUp(k1, dateOnly(-2), 'Termin zur Registermodernisierung vereinbaren');
  newFollowUp(first, dateOnly(-30), 'Dank für den Vortrag schicken', at(-29, 9));
}

export const networkingHandlers = {
  contact_timeline: ({ id }) => clone(timeline(id)),
  attendance_list: ({ uid: u, occurrence }) => clone(attendanceView(eventRef(u, occurrence))),
  attendance_mark: ({ uid: u, occurrence, contactId, status }) => {
    const a = attendanceOf(eventRef(u, occurrence));
    const s = checkStatus(status);
    if (contactId === null) a.my = s;
    else a.rows.set(get(contactId).id, s);
  },
  encounter_add: ({ contactId, uid: u, occurrence, session, note }) => {
    const c = get(contactId);
    return clone(addEncounter(c.id, maybeEventRef(u, occurrence), session?.trim() || null, note?.trim() || null));
  },
  follow_ups_list: ({ includeDone }) =>
    clone(
      followUps
        .filter((f) => includeDone || f.done_at === null)
        .filter((f) => contacts.some((c) => c.id === f.contact_id && !c.deleted))
        .map(followUpRow)
        .sort((x, y) => x.due_date.localeCompare(y.due_date) || x.id - y.id),
    ),
  follow_up_add: ({ contactId, due, text }) => {
    const c = get(contactId);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) throw { kind: 'internal', message: `'${due}' is not a date` };
    if (!text.trim()) throw invalid('text_required', 'text', 'a follow-up needs a text');
    return clone(newFollowUp(c, due, text.trim()));
  },
  follow_up_done: ({ id }) => {
    const f = followUps.find((x) => x.id === id);
    if (!f) throw notFound(`follow-up ${id} not found`);
    f.done_at ??= now();
  },
  quick_capture: ({ input, uid: u, occurrence }) => clone(quickCapture(input, maybeEventRef(u, occurrence))),
  // Here, not in events.ts: what a removed feed keeps is the history this file holds.
  feed_remove: async ({ feedId }) => {
    await delay(300);
    const history = (o: { uid: string }) =>
      [...attendances.keys()].some((k) => k.startsWith(`${o.uid}\u001f`)) || encounters.some((e) => e.event?.uid === o.uid);
    return clone(removeFeed(feedId, history));
  },
} satisfies Partial<MockHandlers>;
