// The one typed wrapper around Tauri's `invoke`. Every call to the Rust side goes through here,
// so the command names and argument shapes live in one place and match src-tauri/src/commands.rs.
import { invoke } from '@tauri-apps/api/core';

import type {
  Land,
  Themenfeld,
  Role,
  RoleChange,
  HoldersQuery,
  Organization,
  OrganizationInput,
  Note,
  Contact,
  ContactSummary,
  ContactPage,
  ContactInput,
  Feed,
  FeedInput,
  FeedRemoval,
  FeedSyncResult,
  OccurrenceList,
  CsvMapping,
  ImportPreview,
  ImportReport,
  EventRef,
  AttendanceStatus,
  AttendanceView,
  Encounter,
  FollowUp,
  TimelineItem,
  SeriesSuggestion,
  Series,
  SeriesMatrix,
  QuickCaptureInput,
  MergeResult,
  OwnEventInput,
  OwnEvent,
  InviteeFilter,
  InvitePreview,
  Rsvp,
  Written,
  ReplyImport,
  Opening,
  SendReport,
  SyncAccount,
  DavSyncReport,
  SyncState,
  SyncConflict,
  ConflictKeep,
  StaleContact,
  DeletedContact,
  SettingKey,
  BackendError,
  Statement,
  ReportView,
} from './backendTypes';
import { isBackendError } from './backendTypes';

export * from './backendTypes';

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
  contacts_deleted: Cmd<undefined, DeletedContact[]>;
  contact_erase_deleted: Cmd<{ id: number }, void>;
  note_add: Cmd<{ contactId: number; body: string }, Note>;
  note_update: Cmd<{ id: number; body: string }, Note>;
  note_delete: Cmd<{ id: number }, void>;
  orgs_list: Cmd<undefined, Organization[]>;
  org_create: Cmd<{ input: OrganizationInput }, Organization>;
  lands_list: Cmd<undefined, Land[]>;
  themenfelder_list: Cmd<undefined, Themenfeld[]>;
  roles_list: Cmd<{ contactId: number }, Role[]>;
  role_change: Cmd<{ contactId: number; change: RoleChange }, Role[]>;
  role_holders: Cmd<{ query: HoldersQuery }, Role[]>;
  setting_get: Cmd<{ key: SettingKey }, string | null>;
  setting_set: Cmd<{ key: SettingKey; value: string }, void>;
  app_ready: Cmd<undefined, void>;
  feeds_list: Cmd<undefined, Feed[]>;
  feed_add: Cmd<{ input: FeedInput }, Feed>;
  feed_remove: Cmd<{ feedId: number }, FeedRemoval>;
  feeds_sync: Cmd<{ feedId: number | null }, FeedSyncResult[]>;
  events_list: Cmd<{ from: string; to: string; feedId: number | null }, OccurrenceList>;
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
  privacy_recovery_key: Cmd<undefined, string>;
  open_external: Cmd<{ url: string }, boolean>;
  opens_take: Cmd<undefined, Opening[]>;
  accessibility_statement: Cmd<undefined, Statement>;
  report_barrier: Cmd<{ view: ReportView; language: 'de' | 'en' }, boolean>;
  choose_folder: Cmd<{ start: string | null }, string | null>;
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
  /** Brings a deleted contact back; a merged-away one by undoing its merge. */
  restoreContact: (id: number) => call('contact_restore', { id }),
  /** Deleted and merged-away contacts not yet erased, most recent first. */
  listDeleted: () => call('contacts_deleted'),
  /** Erases a deleted contact for good (GDPR erase, also on the sync server). Irreversible. */
  eraseDeleted: (id: number) => call('contact_erase_deleted', { id }),
  addNote: (contactId: number, body: string) => call('note_add', { contactId, body }),
  updateNote: (id: number, body: string) => call('note_update', { id, body }),
  deleteNote: (id: number) => call('note_delete', { id }),
  listOrgs: () => call('orgs_list'),
  createOrg: (input: OrganizationInput) => call('org_create', { input }),
  listLands: () => call('lands_list'),
  listThemenfelder: () => call('themenfelder_list'),
  listRoles: (contactId: number) => call('roles_list', { contactId }),
  changeRole: (contactId: number, change: RoleChange) =>
    call('role_change', { contactId, change }),
  roleHolders: (query: HoldersQuery) => call('role_holders', { query }),
  getSetting: (key: SettingKey) => call('setting_get', { key }),
  setSetting: (key: SettingKey, value: string) => call('setting_set', { key, value }),
  appReady: () => call('app_ready'),
  listFeeds: () => call('feeds_list'),
  addFeed: (input: FeedInput) => call('feed_add', { input }),
  /** Removes a feed, its secret and its events except those with the user's history. */
  removeFeed: (feedId: number) => call('feed_remove', { feedId }),
  /** Syncs one feed, or all when `feedId` is null. */
  syncFeeds: (feedId: number | null) => call('feeds_sync', { feedId }),
  /** Occurrences overlapping [from, to) (RFC 3339), optionally of one feed; `truncated` when cut short. */
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
  /** The database's recovery key (it reopens the database if the keyring entry is lost); show it once, never keep it. */
  privacyRecoveryKey: () => call('privacy_recovery_key'),
  /** Opens an https, http or mailto link in the system's browser or mail program (ask first). */
  openExternal: (url: string) => call('open_external', { url }),
  /** What the desktop asked to open (files, webcal links) and the window has not taken yet. */
  takeOpens: () => call('opens_take'),
  /** What the accessibility statement names (body, contact, Schlichtungsstelle, version). */
  accessibilityStatement: () => call('accessibility_statement'),
  /** "Barriere melden": a new mail in the mail program; Rust builds the link from the settings. */
  reportBarrier: (view: ReportView, language: 'de' | 'en') => call('report_barrier', { view, language }),
  /** The platform's folder dialog; null when cancelled. */
  chooseFolder: (start: string | null) => call('choose_folder', { start }),
};

/** The DOM event the shell sends when a second launch brought something to open. */
export const OPENS_EVENT = 'vernetzt-opens';

export type Backend = typeof backend;
