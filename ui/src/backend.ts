// The one typed wrapper around Tauri's `invoke`. Every call to the Rust side goes through here,
// so the command names and argument shapes live in one place and match src-tauri/src/commands.rs.
import { invoke } from '@tauri-apps/api/core';

export type Level = 'bund' | 'land' | 'kommune' | 'other';

export interface Land {
  key: string;
  name: string;
  short_code: string;
}

export interface Themenfeld {
  key: string;
  name_de: string;
  name_en: string;
}

export interface Organization {
  id: number;
  uid: string;
  name: string;
  short_name: string | null;
  level: Level;
  kind: string | null;
  land: string | null;
  land_key: string | null;
  key: string | null;
  parent_id: number | null;
  builtin: boolean;
}

export interface OrganizationInput {
  name: string;
  short_name?: string | null;
  level?: Level | null;
  kind?: string | null;
  land_key?: string | null;
  key?: string | null;
  parent_id?: number | null;
}

export interface Labeled {
  value: string;
  label: string | null;
}

export interface Note {
  id: number;
  body: string;
  created_at: string;
  updated_at: string;
}

export interface Photo {
  mime: string;
  base64: string;
}

export interface Contact {
  id: number;
  uid: string;
  name: string;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  role: string | null;
  organization: string | null;
  organization_id: number | null;
  emails: string[];
  phones: string[];
  /** Labels of e-mail addresses and phone numbers, keyed by the value. */
  labels: Record<string, string>;
  street: string | null;
  postal_code: string | null;
  locality: string | null;
  country: string | null;
  website: string | null;
  themenfelder: string[];
  tags: string[];
  notes: Note[];
  photo: Photo | null;
  created_at: string;
  updated_at: string;
}

export interface ContactSummary {
  id: number;
  name: string;
  title: string | null;
  role: string | null;
  organization: string | null;
  email: string | null;
}

export interface ContactPage {
  total: number;
  items: ContactSummary[];
}

export type PhotoChange =
  | { action: 'keep' }
  | { action: 'remove' }
  | { action: 'set'; photo: Photo };

export interface ContactInput {
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  role: string | null;
  organization_id: number | null;
  emails: Labeled[];
  phones: Labeled[];
  street: string | null;
  postal_code: string | null;
  locality: string | null;
  country: string | null;
  website: string | null;
  themenfelder: string[];
  tags: string[];
  photo: PhotoChange;
}

export type FeedAuth = { kind: 'none' } | { kind: 'basic'; user: string } | { kind: 'bearer' };

/** What one sync of a feed changed. */
export interface FeedCounts {
  added: number;
  updated: number;
  cancelled: number;
  removed: number;
  unchanged: number;
  /** The server answered 304 Not Modified. */
  not_modified: boolean;
  /** What could not be read, with line numbers ("line 12, VEVENT x: no DTSTART; skipped"). */
  warnings: string[];
}

export interface Feed {
  id: number;
  uid: string;
  url: string;
  name: string;
  auth: FeedAuth;
  last_success_at: string | null;
  last_attempt_at: string | null;
  /** Last error in plain words; null after a success. */
  last_error: string | null;
  last_counts: FeedCounts | null;
  failures: number;
  refresh_minutes: number;
  etag: string | null;
  last_modified: string | null;
  /** Number of events kept from this feed. */
  events: number;
}

/** A new feed: the secret (password or token) goes to the OS keyring, never the database. */
export interface FeedInput {
  url: string;
  name: string | null;
  auth: FeedAuth;
  secret: string | null;
}

/** Result of syncing one feed: counts, or the error in plain words. */
export interface FeedSyncResult {
  feed_id: number;
  name: string;
  counts: FeedCounts | null;
  error: string | null;
}

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled' | 'removed';

/** One occurrence of an event. Times are RFC 3339 UTC; all-day events use YYYY-MM-DD (end exclusive). */
export interface Occurrence {
  uid: string;
  recurrence_id: string | null;
  title: string;
  start: string;
  end: string;
  all_day: boolean;
  status: EventStatus;
  location: string | null;
  description: string | null;
  url: string | null;
  organizer: string | null;
  /** The event's own IANA zone, when it has one. */
  tzid: string | null;
  feed: string | null;
  event_id: number;
}

/** What a CSV column holds (crates/core/src/csv_import.rs, serde snake_case). */
export type CsvField =
  | 'given_name' | 'family_name' | 'full_name' | 'title' | 'role' | 'organization' | 'level' | 'land'
  | 'official_key' | 'email' | 'phone' | 'street' | 'postal_code' | 'locality' | 'country' | 'website'
  | 'tags' | 'themenfeld' | 'note' | 'ignore';

export interface CsvMapping {
  columns: CsvField[];
}

export interface CsvPreview {
  delimiter: string;
  encoding: string;
  headers: string[];
  mapping: CsvMapping;
  /** Columns with data that are mapped to 'ignore'. */
  unmapped: number[];
  sample: string[][];
  rows: number;
}

export interface ImportPreview {
  format: 'vcard' | 'csv';
  csv: CsvPreview | null;
  /** The mapping the user chose last time for files with the same header row. */
  remembered: CsvMapping | null;
  /** For vCard: [cards that can be imported, cards skipped]. */
  cards: [number, number] | null;
}

export interface Skipped {
  line: number;
  reason: string;
}

export interface ImportReport {
  imported: number;
  updated: number;
  skipped: Skipped[];
  warnings: string[];
  organizations_created: number;
  /** Groups of contact ids that look like the same person. */
  duplicates: number[][];
  contact_ids: number[];
  format: string;
}

export interface EventRef {
  event_id: number;
  uid: string;
  /** Occurrence start for a recurring event, '' otherwise. */
  occurrence: string;
  title: string;
  start: string;
}

export type AttendanceStatus = 'interested' | 'registered' | 'attended';

export interface AttendanceRow {
  contact_id: number;
  name: string;
  email: string | null;
  organization: string | null;
  status: AttendanceStatus;
}

export interface AttendanceView {
  event: EventRef;
  my_status: AttendanceStatus | null;
  rows: AttendanceRow[];
}

export interface Encounter {
  id: number;
  contact_id: number;
  event: EventRef | null;
  session: string | null;
  note: string | null;
  met_at: string;
}

export interface FollowUp {
  id: number;
  uid: string;
  contact_id: number;
  contact_name: string;
  due_date: string;
  text: string;
  done_at: string | null;
}

export type TimelineItem =
  | { kind: 'event'; at: string; event: EventRef; status: AttendanceStatus; my_status: AttendanceStatus | null }
  | { kind: 'encounter'; at: string; encounter: Encounter }
  | { kind: 'note'; at: string; note: Note }
  | { kind: 'follow_up'; at: string; follow_up: FollowUp };

export interface SeriesSuggestion {
  name: string;
  event_ids: number[];
}

export interface Series {
  id: number;
  name: string;
  /** Its events, oldest first. */
  events: EventRef[];
}

export interface SeriesMatrix {
  series: Series;
  /** The user's own status per event (same order as series.events). */
  mine: (AttendanceStatus | null)[];
  rows: { contact_id: number; name: string; statuses: (AttendanceStatus | null)[] }[];
}

/** The quick-capture form: everything but the name is optional. */
export interface QuickCaptureInput {
  name: string;
  organization: string | null;
  email: string | null;
  note: string | null;
}

export interface MergeResult {
  merge_id: number;
  contact: Contact;
}

// --- Own events and invitations (organiser side) ---

/**
 * The form of an own event (crates/core/src/model.rs OwnEventInput). `start`/`end` are local
 * `YYYY-MM-DDTHH:MM` in `tz` (Europe/Berlin when empty), or `YYYY-MM-DD` for all day (end exclusive).
 */
export interface OwnEventInput {
  title: string;
  start: string;
  end: string;
  tz?: string | null;
  location?: string | null;
  description?: string | null;
  url?: string | null;
}

/** An own event as the edit form and the invitation view see it. */
export interface OwnEvent {
  event_id: number;
  uid: string;
  input: OwnEventInput;
  sequence: number;
  cancelled: boolean;
}

/** Which contacts to invite: every set criterion must hold (AND); an empty filter selects nobody. */
export interface InviteeFilter {
  level?: Level;
  /** Land key like "09" (code "BY" and name work too). */
  land?: string;
  /** Organisation id. */
  org?: number;
  tag?: string;
  /** Themenfeld key. */
  themenfeld?: string;
  /** UID of an event the contact attended. */
  attended?: string;
}

/** A contact that a pick or a filter selected. */
export interface Candidate {
  contact_id: number;
  name: string;
  email: string | null;
  organization: string | null;
}

/** What inviting a selection would do (or did). */
export interface InvitePreview {
  ready: Candidate[];
  without_email: Candidate[];
  already_invited: Candidate[];
}

export type Partstat = 'needs-action' | 'accepted' | 'declined' | 'tentative' | 'delegated';
export type Delivery = 'not_sent' | 'pending' | 'uncertain' | 'sent' | 'failed';

/** One person on an event's invitation list. */
export interface Invitee {
  id: number;
  contact_id: number | null;
  name: string;
  email: string;
  partstat: Partstat;
  /** RFC 3339 UTC. */
  answered_at: string | null;
  /** The answer was about an earlier version (lower SEQUENCE) of the event. */
  answered_earlier_version: boolean;
  /** Taken off the list (a cancellation goes to them). */
  removed: boolean;
  delivery: Delivery;
  error: string | null;
}

export interface RsvpCounts {
  invited: number;
  accepted: number;
  declined: number;
  tentative: number;
  delegated: number;
  needs_action: number;
}

/** The RSVP overview of an own event. */
export interface Rsvp {
  uid: string;
  title: string;
  sequence: number;
  cancelled: boolean;
  /** Everyone invited, removed ones last. */
  invitees: Invitee[];
  /** Counts over those still on the list. */
  counts: RsvpCounts;
}

/** Files an export wrote. */
export interface Written {
  dir: string;
  files: string[];
}

export interface ReplyReport {
  applied: number;
  stale: number;
  unknown_event: number;
  unknown_attendee: string[];
  events: string[];
}

export interface ReplyImport {
  report: ReplyReport;
  /** Answers found in the file. */
  found: number;
  warnings: string[];
}

export interface SendReport {
  sent: number;
  requests: number;
  cancels: number;
  failed: { email: string; error: string }[];
  uncertain: string[];
  remaining: number;
  stopped: string | null;
}

/** The CardDAV/CalDAV account (the password is in the OS keyring and never comes back). */
export interface SyncAccount {
  url: string;
  user: string;
  /** The address book's URL (found by discovery). */
  addressbook: string;
  /** The calendar's URL, if one was found or created. */
  calendar: string | null;
}

/** What one contact sync did (crates/net/src/dav.rs SyncReport). */
export interface DavSyncReport {
  pushed: number;
  deleted: number;
  pulled: number;
  removed_here: number;
  /** New conflicts. */
  conflicts: number;
  requests: number;
  pull_method: string;
  /** Cards on the server that could not be read (left alone). */
  unreadable: string[];
}

/** Running sync: step (`pull`, `push`), done, total. */
export type SyncProgress = [string, number, number];

/** The sync status line (src-tauri/src/commands.rs SyncState). */
export interface SyncState {
  configured: boolean;
  /** Changes not yet on the server. */
  pending: number;
  /** Last successful sync (RFC 3339). */
  last_sync: string | null;
  /** Last error in plain (English) words; null after a success. */
  last_error: string | null;
  /** Open conflicts. */
  conflicts: number;
  /** No automatic run before this time (RFC 3339). */
  retry_at: string | null;
  /** Failed runs in a row. */
  failures: number;
  progress: SyncProgress | null;
}

/** A field changed differently here and on the server. The local value stays until resolved. */
export interface SyncConflict {
  id: number;
  contact_id: number | null;
  name: string | null;
  field: string;
  local: string | null;
  remote: string | null;
  created_at: string;
}

export type ConflictKeep = 'local' | 'remote' | 'both';

/** A contact not met for a while (crates/core/src/store/privacy.rs StaleContact). */
export interface StaleContact {
  id: number;
  name: string;
  organization: string | null;
  /** Last encounter or attended event (RFC 3339 or YYYY-MM-DD), if any. */
  last_met: string | null;
  created_at: string;
}

/** Settings the UI may read and write (src-tauri/src/commands.rs UI_SETTINGS). */
export type SettingKey =
  | 'language'
  | 'timezone'
  | 'organizer_name'
  | 'organizer_email'
  | 'invite_subject'
  | 'invite_template'
  | 'smtp_url'
  | 'smtp_user'
  | 'smtp_per_minute';

/** The error every command rejects with (src-tauri/src/error.rs). */
export interface BackendError {
  kind: string;
  message: string;
  code?: string;
  field?: string;
}

export function isBackendError(e: unknown): e is BackendError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

/** One command: the argument object sent to Rust (`undefined` for none) and what it answers. */
interface Cmd<Args, Result> {
  args: Args;
  result: Result;
}

/**
 * The command contract with src-tauri/src/commands.rs, in one place: name, argument object and
 * result. `backend` below calls only through it, and the development mock (dev/mockBackend.ts)
 * implements exactly these keys with these types, so adding, renaming or changing a command here
 * fails the type check of the mock until it follows (and the other way round).
 */
export interface Commands {
  contacts_list: Cmd<{ offset: number; limit: number }, ContactPage>;
  contacts_search: Cmd<{ query: string; limit: number }, ContactSummary[]>;
  contact_get: Cmd<{ id: number }, Contact>;
  contact_create: Cmd<{ input: ContactInput; note: string | null }, Contact>;
  contact_update: Cmd<{ id: number; input: ContactInput }, Contact>;
  contact_delete: Cmd<{ id: number }, void>;
  contact_restore: Cmd<{ id: number }, Contact>;
  note_add: Cmd<{ contactId: number; body: string }, Note>;
  note_update: Cmd<{ id: number; body: string }, Note>;
  note_delete: Cmd<{ id: number }, void>;
  orgs_list: Cmd<undefined, Organization[]>;
  org_create: Cmd<{ input: OrganizationInput }, Organization>;
  lands_list: Cmd<undefined, Land[]>;
  themenfelder_list: Cmd<undefined, Themenfeld[]>;
  setting_get: Cmd<{ key: SettingKey }, string | null>;
  setting_set: Cmd<{ key: SettingKey; value: string }, void>;
  app_ready: Cmd<undefined, void>;
  feeds_list: Cmd<undefined, Feed[]>;
  feed_add: Cmd<{ input: FeedInput }, Feed>;
  feeds_sync: Cmd<{ feedId: number | null }, FeedSyncResult[]>;
  events_list: Cmd<{ from: string; to: string; feedId: number | null }, Occurrence[]>;
  contacts_import_preview: Cmd<{ data: string }, ImportPreview>;
  contacts_import: Cmd<
    { data: string; mapping: CsvMapping | null; eventUid: string | null; occurrence: string | null },
    ImportReport
  >;
  duplicates_list: Cmd<undefined, Contact[][]>;
  contacts_merge: Cmd<{ keep: number; other: number }, MergeResult>;
  merge_undo: Cmd<{ mergeId: number }, void>;
  contact_timeline: Cmd<{ id: number }, TimelineItem[]>;
  attendance_list: Cmd<{ uid: string; occurrence: string | null }, AttendanceView>;
  attendance_mark: Cmd<
    { uid: string; occurrence: string | null; contactId: number | null; status: AttendanceStatus },
    void
  >;
  encounter_add: Cmd<
    { contactId: number; uid: string | null; occurrence: string | null; session: string | null; note: string | null },
    Encounter
  >;
  follow_ups_list: Cmd<{ includeDone: boolean }, FollowUp[]>;
  follow_up_add: Cmd<{ contactId: number; due: string; text: string }, FollowUp>;
  follow_up_done: Cmd<{ id: number }, void>;
  me_set: Cmd<{ id: number | null }, void>;
  me_get: Cmd<undefined, Contact | null>;
  own_card: Cmd<undefined, { vcard: string; svg: string }>;
  series_suggestions: Cmd<undefined, SeriesSuggestion[]>;
  series_confirm: Cmd<{ name: string; eventIds: number[] }, number>;
  series_list: Cmd<undefined, Series[]>;
  series_matrix: Cmd<{ id: number }, SeriesMatrix>;
  quick_capture: Cmd<{ input: QuickCaptureInput; uid: string | null; occurrence: string | null }, Contact>;
  own_event_create: Cmd<{ input: OwnEventInput }, EventRef>;
  own_event_get: Cmd<{ uid: string }, OwnEvent>;
  own_event_update: Cmd<{ uid: string; input: OwnEventInput }, number>;
  own_event_cancel: Cmd<{ uid: string }, number>;
  event_copy: Cmd<{ eventId: number; occurrence: string | null }, OwnEventInput>;
  invite_preview: Cmd<{ uid: string; contacts: number[]; filter: InviteeFilter }, InvitePreview>;
  invite_add: Cmd<{ uid: string; contacts: number[]; filter: InviteeFilter }, InvitePreview>;
  invite_remove: Cmd<{ uid: string; contacts: number[]; emails: string[] }, number>;
  rsvp_get: Cmd<{ uid: string }, Rsvp>;
  invite_export: Cmd<{ uid: string; dir: string | null }, Written>;
  rsvp_export_csv: Cmd<{ uid: string; dir: string | null }, Written>;
  reply_import: Cmd<{ data: string }, ReplyImport>;
  export_dir_default: Cmd<undefined, string | null>;
  smtp_password_set: Cmd<{ url: string; user: string; password: string }, void>;
  invite_send: Cmd<{ uid: string }, SendReport>;
  sync_account_get: Cmd<undefined, SyncAccount | null>;
  sync_account_set: Cmd<{ url: string; user: string; password: string; calendar: boolean }, SyncAccount>;
  sync_now: Cmd<undefined, DavSyncReport | null>;
  sync_status: Cmd<undefined, SyncState>;
  conflicts_list: Cmd<undefined, SyncConflict[]>;
  conflict_resolve: Cmd<{ id: number; keep: ConflictKeep }, void>;
  privacy_export: Cmd<{ id: number; dir: string | null }, Written>;
  privacy_erase: Cmd<{ ids: number[] }, void>;
  privacy_stale: Cmd<{ months: number }, StaleContact[]>;
  open_external: Cmd<{ url: string }, void>;
}

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Commands[K]['result'];

/** The arguments `call` takes after the name: none for a command without an argument object. */
type ArgsParam<K extends CommandName> = [CommandArgs<K>] extends [undefined] ? [] : [args: CommandArgs<K>];

async function call<K extends CommandName>(cmd: K, ...args: ArgsParam<K>): Promise<CommandResult<K>> {
  try {
    return await invoke<CommandResult<K>>(cmd, args[0]);
  } catch (e) {
    if (isBackendError(e)) throw e;
    throw { kind: 'internal', message: String(e) } satisfies BackendError;
  }
}

export const backend = {
  listContacts: (offset: number, limit: number) => call('contacts_list', { offset, limit }),
  searchContacts: (query: string, limit: number) => call('contacts_search', { query, limit }),
  getContact: (id: number) => call('contact_get', { id }),
  createContact: (input: ContactInput, note: string | null) => call('contact_create', { input, note }),
  updateContact: (id: number, input: ContactInput) => call('contact_update', { id, input }),
  deleteContact: (id: number) => call('contact_delete', { id }),
  restoreContact: (id: number) => call('contact_restore', { id }),
  addNote: (contactId: number, body: string) => call('note_add', { contactId, body }),
  updateNote: (id: number, body: string) => call('note_update', { id, body }),
  deleteNote: (id: number) => call('note_delete', { id }),
  listOrgs: () => call('orgs_list'),
  createOrg: (input: OrganizationInput) => call('org_create', { input }),
  listLands: () => call('lands_list'),
  listThemenfelder: () => call('themenfelder_list'),
  getSetting: (key: SettingKey) => call('setting_get', { key }),
  setSetting: (key: SettingKey, value: string) => call('setting_set', { key, value }),
  appReady: () => call('app_ready'),
  listFeeds: () => call('feeds_list'),
  addFeed: (input: FeedInput) => call('feed_add', { input }),
  /** Syncs one feed, or all when `feedId` is null. */
  syncFeeds: (feedId: number | null) => call('feeds_sync', { feedId }),
  /** Occurrences overlapping [from, to) (RFC 3339), optionally of one feed. */
  listEvents: (from: string, to: string, feedId: number | null) => call('events_list', { from, to, feedId }),
  /** `data` is the file's bytes as base64. */
  importPreview: (data: string) => call('contacts_import_preview', { data }),
  /** Imports a file; with `eventUid`, everyone in it is recorded as attendee of that event. */
  importContacts: (data: string, mapping: CsvMapping | null, eventUid: string | null, occurrence: string | null) =>
    call('contacts_import', { data, mapping, eventUid, occurrence }),
  listDuplicates: () => call('duplicates_list'),
  mergeContacts: (keep: number, other: number) => call('contacts_merge', { keep, other }),
  undoMerge: (mergeId: number) => call('merge_undo', { mergeId }),
  timeline: (id: number) => call('contact_timeline', { id }),
  attendance: (uid: string, occurrence: string | null) => call('attendance_list', { uid, occurrence }),
  markAttendance: (uid: string, occurrence: string | null, contactId: number | null, status: AttendanceStatus) =>
    call('attendance_mark', { uid, occurrence, contactId, status }),
  addEncounter: (contactId: number, uid: string | null, occurrence: string | null, session: string | null, note: string | null) =>
    call('encounter_add', { contactId, uid, occurrence, session, note }),
  listFollowUps: (includeDone: boolean) => call('follow_ups_list', { includeDone }),
  addFollowUp: (contactId: number, due: string, text: string) => call('follow_up_add', { contactId, due, text }),
  completeFollowUp: (id: number) => call('follow_up_done', { id }),
  /** Chooses which contact is the user (null unsets). */
  setMe: (id: number | null) => call('me_set', { id }),
  getMe: () => call('me_get'),
  /** The user's business card as vCard 4.0 text and as an SVG QR code. */
  ownCard: () => call('own_card'),
  seriesSuggestions: () => call('series_suggestions'),
  confirmSeries: (name: string, eventIds: number[]) => call('series_confirm', { name, eventIds }),
  listSeries: () => call('series_list'),
  seriesMatrix: (id: number) => call('series_matrix', { id }),
  /** Creates the contact, records that they attended `uid` and that the user met them there. */
  quickCapture: (input: QuickCaptureInput, uid: string | null, occurrence: string | null) =>
    call('quick_capture', { input, uid, occurrence }),
  createOwnEvent: (input: OwnEventInput) => call('own_event_create', { input }),
  getOwnEvent: (uid: string) => call('own_event_get', { uid }),
  /** Returns the new SEQUENCE (raised when the time or place changed). */
  updateOwnEvent: (uid: string, input: OwnEventInput) => call('own_event_update', { uid, input }),
  /** Returns the new SEQUENCE. */
  cancelOwnEvent: (uid: string) => call('own_event_cancel', { uid }),
  /** The own-event form filled from a feed event (or one occurrence of it). */
  copyEvent: (eventId: number, occurrence: string | null) => call('event_copy', { eventId, occurrence }),
  /** Who a pick and a filter would invite; records nothing. */
  invitePreview: (uid: string, contacts: number[], filter: InviteeFilter) =>
    call('invite_preview', { uid, contacts, filter }),
  /** Puts the selection on the list; returns what was applied. */
  inviteAdd: (uid: string, contacts: number[], filter: InviteeFilter) =>
    call('invite_add', { uid, contacts, filter }),
  /** Takes people off the list; returns how many. */
  inviteRemove: (uid: string, contacts: number[], emails: string[]) =>
    call('invite_remove', { uid, contacts, emails }),
  rsvp: (uid: string) => call('rsvp_get', { uid }),
  /** Writes einladung.ics (or absage.ics) and one .eml per invitee into `dir` (null: default folder). */
  exportInvitations: (uid: string, dir: string | null) => call('invite_export', { uid, dir }),
  exportRsvpCsv: (uid: string, dir: string | null) => call('rsvp_export_csv', { uid, dir }),
  /** `data` is an .ics or .eml file as base64. */
  importReply: (data: string) => call('reply_import', { data }),
  exportDirDefault: () => call('export_dir_default'),
  /** Keeps the SMTP password in the OS keyring (never in the settings). */
  setSmtpPassword: (url: string, user: string, password: string) =>
    call('smtp_password_set', { url, user, password }),
  sendInvitations: (uid: string) => call('invite_send', { uid }),
  /** The sync account, or null when none is set up. */
  syncAccountGet: () => call('sync_account_get'),
  /** Finds the address book and calendar (RFC 6764) and stores the account; the password goes to the keyring. */
  syncAccountSet: (url: string, user: string, password: string, calendar = true) =>
    call('sync_account_set', { url, user, password, calendar }),
  /** Syncs now; null when no account is set up. */
  syncNow: () => call('sync_now'),
  syncStatus: () => call('sync_status'),
  listConflicts: () => call('conflicts_list'),
  resolveConflict: (id: number, keep: ConflictKeep) => call('conflict_resolve', { id, keep }),
  /** Writes auskunft-ID.json and auskunft-ID.vcf (GDPR Art. 15) into `dir` (null: default folder). */
  privacyExport: (id: number, dir: string | null) => call('privacy_export', { id, dir }),
  /** Erases people completely (GDPR Art. 17), on the sync server at the next sync. Irreversible. */
  privacyErase: (ids: number[]) => call('privacy_erase', { ids }),
  /** Contacts not met for `months` months, oldest first. */
  privacyStale: (months: number) => call('privacy_stale', { months }),
  /** Opens an https, http or mailto link in the system's browser or mail program (ask first). */
  openExternal: (url: string) => call('open_external', { url }),
};

export type Backend = typeof backend;
