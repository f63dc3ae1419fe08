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

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (isBackendError(e)) throw e;
    throw { kind: 'internal', message: String(e) } satisfies BackendError;
  }
}

export const backend = {
  listContacts: (offset: number, limit: number) => call<ContactPage>('contacts_list', { offset, limit }),
  searchContacts: (query: string, limit: number) => call<ContactSummary[]>('contacts_search', { query, limit }),
  getContact: (id: number) => call<Contact>('contact_get', { id }),
  createContact: (input: ContactInput, note: string | null) => call<Contact>('contact_create', { input, note }),
  updateContact: (id: number, input: ContactInput) => call<Contact>('contact_update', { id, input }),
  deleteContact: (id: number) => call<void>('contact_delete', { id }),
  restoreContact: (id: number) => call<Contact>('contact_restore', { id }),
  addNote: (contactId: number, body: string) => call<Note>('note_add', { contactId, body }),
  updateNote: (id: number, body: string) => call<Note>('note_update', { id, body }),
  deleteNote: (id: number) => call<void>('note_delete', { id }),
  listOrgs: () => call<Organization[]>('orgs_list'),
  createOrg: (input: OrganizationInput) => call<Organization>('org_create', { input }),
  listLands: () => call<Land[]>('lands_list'),
  listThemenfelder: () => call<Themenfeld[]>('themenfelder_list'),
  getSetting: (key: SettingKey) => call<string | null>('setting_get', { key }),
  setSetting: (key: SettingKey, value: string) => call<void>('setting_set', { key, value }),
  appReady: () => call<void>('app_ready'),
  listFeeds: () => call<Feed[]>('feeds_list'),
  addFeed: (input: FeedInput) => call<Feed>('feed_add', { input }),
  /** Syncs one feed, or all when `feedId` is null. */
  syncFeeds: (feedId: number | null) => call<FeedSyncResult[]>('feeds_sync', { feedId }),
  /** Occurrences overlapping [from, to) (RFC 3339), optionally of one feed. */
  listEvents: (from: string, to: string, feedId: number | null) => call<Occurrence[]>('events_list', { from, to, feedId }),
  /** `data` is the file's bytes as base64. */
  importPreview: (data: string) => call<ImportPreview>('contacts_import_preview', { data }),
  /** Imports a file; with `eventUid`, everyone in it is recorded as attendee of that event. */
  importContacts: (data: string, mapping: CsvMapping | null, eventUid: string | null, occurrence: string | null) =>
    call<ImportReport>('contacts_import', { data, mapping, eventUid, occurrence }),
  listDuplicates: () => call<Contact[][]>('duplicates_list'),
  mergeContacts: (keep: number, other: number) => call<MergeResult>('contacts_merge', { keep, other }),
  undoMerge: (mergeId: number) => call<void>('merge_undo', { mergeId }),
  timeline: (id: number) => call<TimelineItem[]>('contact_timeline', { id }),
  attendance: (uid: string, occurrence: string | null) => call<AttendanceView>('attendance_list', { uid, occurrence }),
  markAttendance: (uid: string, occurrence: string | null, contactId: number | null, status: AttendanceStatus) =>
    call<void>('attendance_mark', { uid, occurrence, contactId, status }),
  addEncounter: (contactId: number, uid: string | null, occurrence: string | null, session: string | null, note: string | null) =>
    call<Encounter>('encounter_add', { contactId, uid, occurrence, session, note }),
  listFollowUps: (includeDone: boolean) => call<FollowUp[]>('follow_ups_list', { includeDone }),
  addFollowUp: (contactId: number, due: string, text: string) => call<FollowUp>('follow_up_add', { contactId, due, text }),
  completeFollowUp: (id: number) => call<void>('follow_up_done', { id }),
  /** Chooses which contact is the user (null unsets). */
  setMe: (id: number | null) => call<void>('me_set', { id }),
  getMe: () => call<Contact | null>('me_get'),
  /** The user's business card as vCard 4.0 text and as an SVG QR code. */
  ownCard: () => call<{ vcard: string; svg: string }>('own_card'),
  seriesSuggestions: () => call<SeriesSuggestion[]>('series_suggestions'),
  confirmSeries: (name: string, eventIds: number[]) => call<number>('series_confirm', { name, eventIds }),
  listSeries: () => call<Series[]>('series_list'),
  seriesMatrix: (id: number) => call<SeriesMatrix>('series_matrix', { id }),
  /** Creates the contact, records that they attended `uid` and that the user met them there. */
  quickCapture: (input: QuickCaptureInput, uid: string | null, occurrence: string | null) =>
    call<Contact>('quick_capture', { input, uid, occurrence }),
  createOwnEvent: (input: OwnEventInput) => call<EventRef>('own_event_create', { input }),
  getOwnEvent: (uid: string) => call<OwnEvent>('own_event_get', { uid }),
  /** Returns the new SEQUENCE (raised when the time or place changed). */
  updateOwnEvent: (uid: string, input: OwnEventInput) => call<number>('own_event_update', { uid, input }),
  /** Returns the new SEQUENCE. */
  cancelOwnEvent: (uid: string) => call<number>('own_event_cancel', { uid }),
  /** The own-event form filled from a feed event (or one occurrence of it). */
  copyEvent: (eventId: number, occurrence: string | null) => call<OwnEventInput>('event_copy', { eventId, occurrence }),
  /** Who a pick and a filter would invite; records nothing. */
  invitePreview: (uid: string, contacts: number[], filter: InviteeFilter) =>
    call<InvitePreview>('invite_preview', { uid, contacts, filter }),
  /** Puts the selection on the list; returns what was applied. */
  inviteAdd: (uid: string, contacts: number[], filter: InviteeFilter) =>
    call<InvitePreview>('invite_add', { uid, contacts, filter }),
  /** Takes people off the list; returns how many. */
  inviteRemove: (uid: string, contacts: number[], emails: string[]) =>
    call<number>('invite_remove', { uid, contacts, emails }),
  rsvp: (uid: string) => call<Rsvp>('rsvp_get', { uid }),
  /** Writes einladung.ics (or absage.ics) and one .eml per invitee into `dir` (null: default folder). */
  exportInvitations: (uid: string, dir: string | null) => call<Written>('invite_export', { uid, dir }),
  exportRsvpCsv: (uid: string, dir: string | null) => call<Written>('rsvp_export_csv', { uid, dir }),
  /** `data` is an .ics or .eml file as base64. */
  importReply: (data: string) => call<ReplyImport>('reply_import', { data }),
  exportDirDefault: () => call<string | null>('export_dir_default'),
  /** Keeps the SMTP password in the OS keyring (never in the settings). */
  setSmtpPassword: (url: string, user: string, password: string) =>
    call<void>('smtp_password_set', { url, user, password }),
  sendInvitations: (uid: string) => call<SendReport>('invite_send', { uid }),
  /** The sync account, or null when none is set up. */
  syncAccountGet: () => call<SyncAccount | null>('sync_account_get'),
  /** Finds the address book and calendar (RFC 6764) and stores the account; the password goes to the keyring. */
  syncAccountSet: (url: string, user: string, password: string, calendar = true) =>
    call<SyncAccount>('sync_account_set', { url, user, password, calendar }),
  /** Syncs now; null when no account is set up. */
  syncNow: () => call<DavSyncReport | null>('sync_now'),
  syncStatus: () => call<SyncState>('sync_status'),
  listConflicts: () => call<SyncConflict[]>('conflicts_list'),
  resolveConflict: (id: number, keep: ConflictKeep) => call<void>('conflict_resolve', { id, keep }),
  /** Writes auskunft-ID.json and auskunft-ID.vcf (GDPR Art. 15) into `dir` (null: default folder). */
  privacyExport: (id: number, dir: string | null) => call<Written>('privacy_export', { id, dir }),
  /** Erases people completely (GDPR Art. 17), on the sync server at the next sync. Irreversible. */
  privacyErase: (ids: number[]) => call<void>('privacy_erase', { ids }),
  /** Contacts not met for `months` months, oldest first. */
  privacyStale: (months: number) => call<StaleContact[]>('privacy_stale', { months }),
  /** Opens an https, http or mailto link in the system's browser or mail program (ask first). */
  openExternal: (url: string) => call<void>('open_external', { url }),
};

export type Backend = typeof backend;
