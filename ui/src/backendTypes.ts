// The data shapes the Rust side sends and takes (src-tauri/src/commands.rs and the core types
// they serialise), apart from the command contract in backend.ts so that file stays the
// contract and nothing else. Import them from `backend.ts`, which re-exports every one.

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

/** One role of a contact over time (issue 17); `to` null while held. */
export interface Role {
  id: number;
  contact_id: number | null;
  contact_name: string | null;
  function: string;
  organization_id: number | null;
  organization: string | null;
  level: Level | null;
  land_key: string | null;
  themenfeld: string | null;
  from: string | null;
  to: string | null;
  vacant: boolean;
}

/** A correction (`correction: true`) or a change of post; `from` is the change date. */
export interface RoleChange {
  function: string;
  organization_id: number | null;
  themenfeld: string | null;
  from: string | null;
  correction: boolean;
}

/** Who holds post X now or at `at`, with the directory's filters. */
export interface HoldersQuery {
  function: string;
  level: Level | null;
  land: string | null;
  themenfeld: string | null;
  organization_id: number | null;
  at: string | null;
  vacant_only: boolean;
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

/** A contact's address, website, Themenfelder and tags: the same in what the store returns and what the UI sends. */
export interface ContactDetails {
  street: string | null;
  postal_code: string | null;
  locality: string | null;
  country: string | null;
  website: string | null;
  themenfelder: string[];
  tags: string[];
}

export interface Contact extends ContactDetails {
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

export interface ContactInput extends ContactDetails {
  display_name: string | null;
  given_name: string | null;
  family_name: string | null;
  title: string | null;
  role: string | null;
  organization_id: number | null;
  emails: Labeled[];
  phones: Labeled[];
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

/** A listing of occurrences: the first ones by start, and whether the listing was cut short. */
export interface OccurrenceList {
  occurrences: Occurrence[];
  /** True when the period holds more occurrences than one listing returns. */
  truncated: boolean;
}

/** What removing a feed did: its events deleted, and those kept for the user's history. */
export interface FeedRemoval {
  feed_id: number;
  name: string;
  /** The keyring account of its secret (deleted with it). */
  uid: string;
  deleted: number;
  /** Events kept because the user attended, met someone, noted something or made a series. */
  kept: number;
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

/** The tools whose CSV exports are recognised (crates/core/src/csv/sources.rs, serde names). */
export const CSV_SOURCES = ['outlook', 'thunderbird', 'google', 'linkedin', 'pretix', 'generic'] as const;

/** The tool that wrote a CSV file, as its header row says; 'generic' for any other table. */
export type CsvSource = (typeof CSV_SOURCES)[number];

export interface CsvPreview {
  /** The tool that wrote the file, whose rules the import follows (shown in the preview). */
  source: CsvSource;
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
  /** With an event: how many were recorded as attending (cancelled registrations are not). */
  attendees: number;
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

/** A deleted or merged-away contact not yet erased (crates/core/src/store/deleted.rs DeletedContact). */
export interface DeletedContact {
  id: number;
  name: string;
  organization: string | null;
  /** When it was deleted or merged away (RFC 3339, UTC). */
  deleted_at: string;
  reason: 'deleted' | 'merged';
  /** For a merge: the contact it was merged into, and that contact's name. */
  merged_into: number | null;
  merged_into_name: string | null;
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
  | 'smtp_per_minute'
  /** Days a deleted contact is kept before it is erased for good (1 to 3650; default 30). */
  | 'deleted_keep_days'
  /** The accessibility statement: the deploying body, the contact address for reports of barriers, its Schlichtungsstelle. */
  | 'a11y_body_name'
  | 'a11y_contact_email'
  | 'a11y_arbitration_name'
  | 'a11y_arbitration_url';

/** What the accessibility statement names (crates/core/src/accessibility.rs), defaults filled in. */
export interface Statement {
  /** Empty when not set: the statement then speaks of "the body that provided Vernetzt". */
  body_name: string;
  /** Empty when not set. */
  contact_email: string;
  arbitration_name: string;
  arbitration_url: string;
  version: string;
}

/** The views a report of a barrier may name (a closed list, checked again in Rust). */
export type ReportView = 'contacts' | 'events' | 'duplicates' | 'conflicts' | 'privacy' | 'settings' | 'statement' | 'about';

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

/**
 * Something the desktop asked the app to open (a double-clicked card or calendar file, a
 * `webcal://` link), from the launch or from a second launch (src-tauri/src/opening.rs).
 */
export type Opening =
  /** A vCard file: `data` is its content as base64, for the import preview. */
  | { kind: 'contacts'; name: string; data: string }
  /** An iCalendar file (an answer to an invitation): `data` as base64, for the reply import. */
  | { kind: 'calendar'; name: string; data: string }
  /** A calendar link, already as https, for the "subscribe" form. */
  | { kind: 'feed'; url: string }
  /** A file that could not be read (gone, not allowed, too large). */
  | { kind: 'unreadable'; name: string };
