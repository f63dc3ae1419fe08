//! Tauri commands: each parses its arguments, calls the core, and maps the error. Nothing else
//! belongs here: no SQL, no parsing, no rules.

use crate::error::{CmdResult, UiError};
use crate::state::AppState;
use tauri::State;
use vernetzt_core::csv_import::Mapping;
use vernetzt_core::exchange::{self, Preview};
use vernetzt_core::invite::{self, InvitePreview, InviteeFilter};
use vernetzt_core::model::OwnEventInput;
use vernetzt_core::model::{
    AttendanceRow, AttendanceStatus, Encounter, EventRef, FollowUp, ImportReport, TimelineItem,
};
use vernetzt_core::model::{
    Contact, ContactInput, ContactPage, ContactSummary, Feed, FeedAuth, Land, Note, Occurrence,
    Organization, OrganizationInput, Themenfeld,
};
use vernetzt_core::store::{
    Account, Conflict, ExportFile, OwnEvent, ReplyImport, Rsvp, StaleContact, SyncStatus,
};
use vernetzt_net::dav;
use vernetzt_net::feed_sync::{self, SyncReport};
use vernetzt_net::mail::{self, SendOptions, SendReport};

/// Settings the UI may read and write; everything else is refused.
const UI_SETTINGS: &[&str] = &[
    "language",
    "timezone",
    "organizer_name",
    "organizer_email",
    "invite_subject",
    "invite_template",
    "smtp_url",
    "smtp_user",
    "smtp_per_minute",
];

/// One page of contacts in name order, with the total for "200 von 10.000".
#[tauri::command]
pub fn contacts_list(
    state: State<'_, AppState>,
    offset: i64,
    limit: i64,
) -> CmdResult<ContactPage> {
    Ok(state.store()?.list_contacts(offset, limit)?)
}

/// Search as the user types; ranking and folding live in the core.
#[tauri::command]
pub fn contacts_search(
    state: State<'_, AppState>,
    query: String,
    limit: i64,
) -> CmdResult<Vec<ContactSummary>> {
    Ok(state.store()?.search(&query, limit)?)
}

/// One contact with notes and photo, for the detail pane.
#[tauri::command]
pub fn contact_get(state: State<'_, AppState>, id: i64) -> CmdResult<Contact> {
    Ok(state.store()?.contact(id)?)
}

/// Creates a contact with an optional first note (quick capture).
#[tauri::command]
pub fn contact_create(
    state: State<'_, AppState>,
    input: ContactInput,
    note: Option<String>,
) -> CmdResult<Contact> {
    Ok(state.store()?.create_contact(&input, note.as_deref())?)
}

/// Saves the edit form.
#[tauri::command]
pub fn contact_update(
    state: State<'_, AppState>,
    id: i64,
    input: ContactInput,
) -> CmdResult<Contact> {
    Ok(state.store()?.update_contact(id, &input)?)
}

/// Deletes (soft) so that the undo toast can restore it.
#[tauri::command]
pub fn contact_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.store()?.delete_contact(id)?)
}

/// Undo of a delete.
#[tauri::command]
pub fn contact_restore(state: State<'_, AppState>, id: i64) -> CmdResult<Contact> {
    Ok(state.store()?.restore_contact(id)?)
}

/// Adds a timestamped note in the detail pane.
#[tauri::command]
pub fn note_add(state: State<'_, AppState>, contact_id: i64, body: String) -> CmdResult<Note> {
    Ok(state.store()?.add_note(contact_id, &body)?)
}

/// Edits a note in place; its creation time stays.
#[tauri::command]
pub fn note_update(state: State<'_, AppState>, id: i64, body: String) -> CmdResult<Note> {
    Ok(state.store()?.update_note(id, &body)?)
}

/// Deletes a note.
#[tauri::command]
pub fn note_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.store()?.delete_note(id)?)
}

/// The whole directory (about 450 entries): the picker filters it in the UI.
#[tauri::command]
pub fn orgs_list(state: State<'_, AppState>) -> CmdResult<Vec<Organization>> {
    Ok(state.store()?.list_orgs(None, None)?)
}

/// A user's own organisation, created from the picker.
#[tauri::command]
pub fn org_create(state: State<'_, AppState>, input: OrganizationInput) -> CmdResult<Organization> {
    Ok(state.store()?.create_org(&input)?)
}

/// The 16 Länder, for the new-organisation form.
#[tauri::command]
pub fn lands_list(state: State<'_, AppState>) -> CmdResult<Vec<Land>> {
    Ok(state.store()?.lands()?)
}

/// The 14 OZG Themenfelder, for the contact form.
#[tauri::command]
pub fn themenfelder_list(state: State<'_, AppState>) -> CmdResult<Vec<Themenfeld>> {
    Ok(state.store()?.themenfelder()?)
}

/// Reads a whitelisted UI setting (language).
#[tauri::command]
pub fn setting_get(state: State<'_, AppState>, key: String) -> CmdResult<Option<String>> {
    allowed_setting(&key)?;
    Ok(state.store()?.setting(&key)?)
}

/// Writes a whitelisted UI setting (language).
#[tauri::command]
pub fn setting_set(state: State<'_, AppState>, key: String, value: String) -> CmdResult<()> {
    allowed_setting(&key)?;
    if key == "timezone" && value.parse::<chrono_tz::Tz>().is_err() {
        return Err(UiError::internal(format!(
            "'{value}' is not an IANA time zone"
        )));
    }
    Ok(state.store()?.set_setting(&key, &value)?)
}

/// Called by the UI once the first contacts list is on screen; prints the wall-clock time for the
/// start-up benchmark when `VERNETZT_STARTUP_PROBE` is set.
#[tauri::command]
pub fn app_ready(state: State<'_, AppState>) {
    state.report_ready();
}

fn allowed_setting(key: &str) -> CmdResult<()> {
    if UI_SETTINGS.contains(&key) {
        Ok(())
    } else {
        Err(UiError::internal(format!("unknown setting '{key}'")))
    }
}

/// A new feed as the form sends it; the secret goes to the keyring.
#[derive(serde::Deserialize)]
pub struct FeedInput {
    url: String,
    name: Option<String>,
    auth: FeedAuth,
    secret: Option<String>,
}

/// The subscribed feeds with last sync and last error.
#[tauri::command]
pub fn feeds_list(state: State<'_, AppState>) -> CmdResult<Vec<Feed>> {
    Ok(state.store()?.feeds()?)
}

/// Subscribes to a feed (address checked, secret into the keyring); the UI syncs it next.
#[tauri::command]
pub fn feed_add(state: State<'_, AppState>, input: FeedInput) -> CmdResult<Feed> {
    let mut store = state.store()?;
    Ok(feed_sync::add_feed(
        &mut store,
        &state.secrets,
        &input.url,
        input.name.as_deref(),
        input.auth,
        input.secret.as_deref(),
    )?)
}

/// Syncs one feed or all now; the store is not held while downloading.
#[tauri::command]
pub async fn feeds_sync(
    state: State<'_, AppState>,
    feed_id: Option<i64>,
) -> CmdResult<Vec<SyncReport>> {
    let (store, client) = (state.store_mutex()?, state.client()?);
    Ok(match feed_id {
        Some(id) => {
            vec![feed_sync::sync_feed(store, client, &state.secrets, &state.limits, id).await]
        }
        None => {
            feed_sync::sync_all(
                store,
                client,
                &state.secrets,
                &state.limits,
                false,
                chrono::Utc::now(),
            )
            .await
        }
    })
}

/// Occurrences overlapping `[from, to)` (RFC 3339), in the user's zone for all-day events.
#[tauri::command]
pub fn events_list(
    state: State<'_, AppState>,
    from: String,
    to: String,
    feed_id: Option<i64>,
) -> CmdResult<Vec<Occurrence>> {
    let parse = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&chrono::Utc))
            .map_err(|_| UiError::internal(format!("'{s}' is not an RFC 3339 time")))
    };
    let (from, to) = (parse(&from)?, parse(&to)?);
    let store = state.store()?;
    let zone = feed_sync::user_zone(&store);
    Ok(store.occurrences(from, to, feed_id, zone)?)
}

/// Reads a vCard or CSV file (base64) for the import dialog; changes nothing.
#[tauri::command]
pub fn contacts_import_preview(state: State<'_, AppState>, data: String) -> CmdResult<Preview> {
    let bytes = exchange::from_base64(&data)?;
    Ok(exchange::preview(&*state.store()?, &bytes)?)
}

/// Imports a vCard or CSV file (base64); with an event, records everyone as attendee.
#[tauri::command]
pub fn contacts_import(
    state: State<'_, AppState>,
    data: String,
    mapping: Option<Mapping>,
    event_uid: Option<String>,
    occurrence: Option<String>,
) -> CmdResult<ImportReport> {
    let bytes = exchange::from_base64(&data)?;
    let mut store = state.store()?;
    let event = event_uid
        .map(|uid| store.event_ref(&uid, occurrence.as_deref()))
        .transpose()?;
    Ok(exchange::import(
        &mut store,
        &bytes,
        mapping.as_ref(),
        event.as_ref(),
    )?)
}

/// Groups of contacts that look like the same person.
#[tauri::command]
pub fn duplicates_list(state: State<'_, AppState>) -> CmdResult<Vec<Vec<Contact>>> {
    Ok(state.store()?.duplicate_contacts()?)
}

/// The result of a merge: its id (for undo) and the merged contact.
#[derive(serde::Serialize)]
pub struct MergeResult {
    merge_id: i64,
    contact: Contact,
}

/// Merges `other` into `keep`.
#[tauri::command]
pub fn contacts_merge(state: State<'_, AppState>, keep: i64, other: i64) -> CmdResult<MergeResult> {
    let mut store = state.store()?;
    let merge_id = store.merge_contacts(keep, other)?;
    Ok(MergeResult {
        merge_id,
        contact: store.contact(keep)?,
    })
}

/// Undoes a merge.
#[tauri::command]
pub fn merge_undo(state: State<'_, AppState>, merge_id: i64) -> CmdResult<()> {
    Ok(state.store()?.undo_merge(merge_id)?)
}

/// A contact's timeline, newest first.
#[tauri::command]
pub fn contact_timeline(state: State<'_, AppState>, id: i64) -> CmdResult<Vec<TimelineItem>> {
    Ok(state.store()?.timeline(id)?)
}

/// Who attends an event, and the user's own status.
#[derive(serde::Serialize)]
pub struct AttendanceView {
    event: EventRef,
    my_status: Option<String>,
    rows: Vec<AttendanceRow>,
}

/// The attendance of an event (UID, and for a recurring event the occurrence's start).
#[tauri::command]
pub fn attendance_list(
    state: State<'_, AppState>,
    uid: String,
    occurrence: Option<String>,
) -> CmdResult<AttendanceView> {
    let store = state.store()?;
    let event = store.event_ref(&uid, occurrence.as_deref())?;
    let (my_status, rows) = store.attendance(&event)?;
    Ok(AttendanceView {
        event,
        my_status,
        rows,
    })
}

/// Records the user's own status (no contact) or a contact's.
#[tauri::command]
pub fn attendance_mark(
    state: State<'_, AppState>,
    uid: String,
    occurrence: Option<String>,
    contact_id: Option<i64>,
    status: AttendanceStatus,
) -> CmdResult<()> {
    let mut store = state.store()?;
    let event = store.event_ref(&uid, occurrence.as_deref())?;
    Ok(store.mark_attendance(&event, contact_id, status)?)
}

/// Records where the user met a contact.
#[tauri::command]
pub fn encounter_add(
    state: State<'_, AppState>,
    contact_id: i64,
    uid: Option<String>,
    occurrence: Option<String>,
    session: Option<String>,
    note: Option<String>,
) -> CmdResult<Encounter> {
    let mut store = state.store()?;
    let event = uid
        .map(|u| store.event_ref(&u, occurrence.as_deref()))
        .transpose()?;
    Ok(store.add_encounter(
        contact_id,
        event.as_ref(),
        session.as_deref(),
        note.as_deref(),
    )?)
}

/// Follow-ups, open ones or all.
#[tauri::command]
pub fn follow_ups_list(state: State<'_, AppState>, include_done: bool) -> CmdResult<Vec<FollowUp>> {
    Ok(state.store()?.follow_ups(include_done, None)?)
}

/// Adds a follow-up; `due` is `YYYY-MM-DD`.
#[tauri::command]
pub fn follow_up_add(
    state: State<'_, AppState>,
    contact_id: i64,
    due: String,
    text: String,
) -> CmdResult<FollowUp> {
    let due = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d")
        .map_err(|_| UiError::internal(format!("'{due}' is not a date")))?;
    Ok(state.store()?.add_follow_up(contact_id, due, &text)?)
}

/// Marks a follow-up done.
#[tauri::command]
pub fn follow_up_done(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.store()?.complete_follow_up(id)?)
}

/// Series suggested from event titles.
#[tauri::command]
pub fn series_suggestions(
    state: State<'_, AppState>,
) -> CmdResult<Vec<vernetzt_core::series::SeriesSuggestion>> {
    Ok(state.store()?.series_suggestions()?)
}

/// Makes a series of these events; returns its id.
#[tauri::command]
pub fn series_confirm(
    state: State<'_, AppState>,
    name: String,
    event_ids: Vec<i64>,
) -> CmdResult<i64> {
    Ok(state.store()?.confirm_series(&name, &event_ids)?)
}

/// The confirmed series.
#[tauri::command]
pub fn series_list(state: State<'_, AppState>) -> CmdResult<Vec<vernetzt_core::model::Series>> {
    Ok(state.store()?.series()?)
}

/// Who attended which event of a series.
#[tauri::command]
pub fn series_matrix(
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<vernetzt_core::model::SeriesMatrix> {
    Ok(state.store()?.series_matrix(id)?)
}

/// Quick capture at an event: contact, attendance and "met at" in one step.
#[tauri::command]
pub fn quick_capture(
    state: State<'_, AppState>,
    input: vernetzt_core::store::QuickCapture,
    uid: Option<String>,
    occurrence: Option<String>,
) -> CmdResult<Contact> {
    let mut store = state.store()?;
    let event = uid
        .map(|u| store.event_ref(&u, occurrence.as_deref()))
        .transpose()?;
    Ok(store.quick_capture(&input, event.as_ref())?)
}

/// The user's own card: vCard text and its QR code (SVG).
#[derive(serde::Serialize)]
pub struct OwnCard {
    vcard: String,
    svg: String,
}

/// Chooses which contact is the user (`None` unsets).
#[tauri::command]
pub fn me_set(state: State<'_, AppState>, id: Option<i64>) -> CmdResult<()> {
    Ok(state.store()?.set_me(id)?)
}

/// The user's own contact, if chosen.
#[tauri::command]
pub fn me_get(state: State<'_, AppState>) -> CmdResult<Option<Contact>> {
    Ok(state.store()?.me()?)
}

/// The user's card as vCard and QR code.
#[tauri::command]
pub fn own_card(state: State<'_, AppState>) -> CmdResult<OwnCard> {
    let (vcard, svg) = vernetzt_core::card::own_card(&*state.store()?)?;
    Ok(OwnCard { vcard, svg })
}

/// Creates an own event (organiser side).
#[tauri::command]
pub fn own_event_create(state: State<'_, AppState>, input: OwnEventInput) -> CmdResult<EventRef> {
    Ok(state.store()?.create_own_event(&input)?)
}

/// An own event for the form and the invitation view.
#[tauri::command]
pub fn own_event_get(state: State<'_, AppState>, uid: String) -> CmdResult<OwnEvent> {
    Ok(state.store()?.own_event_view(&uid)?)
}

/// Saves an own event; returns the SEQUENCE (raised on a new time or place).
#[tauri::command]
pub fn own_event_update(
    state: State<'_, AppState>,
    uid: String,
    input: OwnEventInput,
) -> CmdResult<i64> {
    Ok(state.store()?.update_own_event(&uid, &input)?)
}

/// Cancels an own event (the next send carries METHOD:CANCEL).
#[tauri::command]
pub fn own_event_cancel(state: State<'_, AppState>, uid: String) -> CmdResult<i64> {
    Ok(state.store()?.cancel_own_event(&uid)?)
}

/// The form of an own event filled from a feed event (or one occurrence).
#[tauri::command]
pub fn event_copy(
    state: State<'_, AppState>,
    event_id: i64,
    occurrence: Option<String>,
) -> CmdResult<OwnEventInput> {
    Ok(state.store()?.copy_event(event_id, occurrence.as_deref())?)
}

/// Who a pick and a filter would invite (and who lacks an address); records nothing.
#[tauri::command]
pub fn invite_preview(
    state: State<'_, AppState>,
    uid: String,
    contacts: Vec<i64>,
    filter: InviteeFilter,
) -> CmdResult<InvitePreview> {
    Ok(state.store()?.invite_preview(&uid, &contacts, &filter)?)
}

/// Puts the selection on the event's list.
#[tauri::command]
pub fn invite_add(
    state: State<'_, AppState>,
    uid: String,
    contacts: Vec<i64>,
    filter: InviteeFilter,
) -> CmdResult<InvitePreview> {
    Ok(state.store()?.add_invitees(&uid, &contacts, &filter)?)
}

/// Takes people off the list (they get a CANCEL on the next send); returns how many.
#[tauri::command]
pub fn invite_remove(
    state: State<'_, AppState>,
    uid: String,
    contacts: Vec<i64>,
    emails: Vec<String>,
) -> CmdResult<usize> {
    Ok(state
        .store()?
        .remove_invitees(&uid, &contacts, &emails)?
        .len())
}

/// The RSVP overview: list with answers and delivery, and counts.
#[tauri::command]
pub fn rsvp_get(state: State<'_, AppState>, uid: String) -> CmdResult<Rsvp> {
    Ok(state.store()?.rsvp(&uid)?)
}

/// Files written by an export.
#[derive(serde::Serialize)]
pub struct Written {
    dir: String,
    files: Vec<String>,
}

fn export_dir(dir: Option<String>) -> CmdResult<std::path::PathBuf> {
    dir.filter(|d| !d.trim().is_empty())
        .map(std::path::PathBuf::from)
        .or_else(vernetzt_core::paths::default_export_dir)
        .ok_or_else(|| UiError::internal("no folder given and the system names no home folder"))
}

fn written(dir: std::path::PathBuf, paths: Vec<std::path::PathBuf>) -> Written {
    Written {
        dir: dir.display().to_string(),
        files: paths.iter().map(|p| p.display().to_string()).collect(),
    }
}

/// Writes the invitation (.ics with everyone, one .eml each) into `dir` (default: Downloads).
#[tauri::command]
pub fn invite_export(
    state: State<'_, AppState>,
    uid: String,
    dir: Option<String>,
) -> CmdResult<Written> {
    let dir = export_dir(dir)?;
    let files = state
        .store()?
        .export_invitations(&uid, chrono::Utc::now())?;
    let paths = invite::write_files(&dir, &files)?;
    Ok(written(dir, paths))
}

/// Writes the RSVP list as CSV (German Excel) into `dir`.
#[tauri::command]
pub fn rsvp_export_csv(
    state: State<'_, AppState>,
    uid: String,
    dir: Option<String>,
) -> CmdResult<Written> {
    let dir = export_dir(dir)?;
    let csv = invite::rsvp_csv(&state.store()?.invitees(&uid)?);
    let file = ExportFile {
        name: "rueckmeldungen.csv".into(),
        bytes: csv.into_bytes(),
    };
    let paths = invite::write_files(&dir, std::slice::from_ref(&file))?;
    Ok(written(dir, paths))
}

/// Reads a reply (.ics or .eml, base64) and stores the answers.
#[tauri::command]
pub fn reply_import(state: State<'_, AppState>, data: String) -> CmdResult<ReplyImport> {
    let bytes = exchange::from_base64(&data)?;
    Ok(state.store()?.import_reply(&bytes)?)
}

/// The folder exports go to when none is named.
#[tauri::command]
pub fn export_dir_default() -> Option<String> {
    vernetzt_core::paths::default_export_dir().map(|d| d.display().to_string())
}

/// Keeps the SMTP password in the OS keyring (never in the database).
#[tauri::command]
pub async fn smtp_password_set(
    state: State<'_, AppState>,
    url: String,
    user: String,
    password: String,
) -> CmdResult<()> {
    Ok(mail::store_password(
        &url,
        &user,
        &password,
        &state.secrets,
    )?)
}

/// Sends the event's outbox by SMTP with the settings' server and the keyring's password.
/// The store is locked only around each message's bookkeeping, never while waiting on the server.
#[tauri::command]
pub async fn invite_send(state: State<'_, AppState>, uid: String) -> CmdResult<SendReport> {
    let (url, user, per_minute) = {
        let s = state.store()?;
        (
            s.setting("smtp_url")?.unwrap_or_default(),
            s.setting("smtp_user")?,
            s.setting("smtp_per_minute")?.and_then(|v| v.parse().ok()),
        )
    };
    let mut mailer = mail::mailer(&url, user.as_deref(), &state.secrets)?;
    let opts = SendOptions {
        per_minute: per_minute.unwrap_or(SendOptions::default().per_minute),
        ..Default::default()
    };
    Ok(mail::send_invitations(
        state.store_mutex()?,
        &uid,
        &mut mailer,
        &opts,
        &chrono::Utc::now,
        &mut |_, _| {},
    )
    .await?)
}

/// The sync account (no password).
#[tauri::command]
pub fn sync_account_get(state: State<'_, AppState>) -> CmdResult<Option<Account>> {
    Ok(state.store()?.dav_account()?)
}

/// Sets up the sync account: discovery, the password into the keyring, the account stored.
/// `calendar` false: contacts only, own events stay out of the server's calendar.
#[tauri::command]
pub async fn sync_account_set(
    state: State<'_, AppState>,
    url: String,
    user: String,
    password: String,
    calendar: bool,
) -> CmdResult<Account> {
    Ok(dav::add_account(
        state.store_mutex()?,
        &state.secrets,
        &url,
        &user,
        &password,
        None,
        calendar,
    )
    .await?)
}

/// Syncs now (the user asked).
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<Option<dav::SyncReport>> {
    state.run_dav_sync(true).await
}

/// Status line: pending changes, last sync, last error, conflicts, and progress while running.
#[derive(serde::Serialize)]
pub struct SyncState {
    #[serde(flatten)]
    status: SyncStatus,
    progress: Option<(String, usize, usize)>,
}

/// The sync status.
#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncState> {
    Ok(SyncState {
        status: state.store()?.sync_status()?,
        progress: state.sync_progress.lock().ok().and_then(|p| p.clone()),
    })
}

/// Open conflicts.
#[tauri::command]
pub fn conflicts_list(state: State<'_, AppState>) -> CmdResult<Vec<Conflict>> {
    Ok(state.store()?.conflicts()?)
}

/// Resolves a conflict: keep `local`, `remote` or `both`.
#[tauri::command]
pub fn conflict_resolve(state: State<'_, AppState>, id: i64, keep: String) -> CmdResult<()> {
    Ok(state.store()?.resolve_conflict(id, &keep)?)
}

/// Everything stored about one person (GDPR Art. 15), written as JSON and vCard into `dir`.
#[tauri::command]
pub fn privacy_export(
    state: State<'_, AppState>,
    id: i64,
    dir: Option<String>,
) -> CmdResult<Written> {
    let dir = export_dir(dir)?;
    let x = state.store()?.export_person(id)?;
    let stem = format!("auskunft-{id}");
    let files = [
        ExportFile {
            name: format!("{stem}.json"),
            bytes: serde_json::to_vec_pretty(&x).map_err(|e| UiError::internal(e.to_string()))?,
        },
        ExportFile {
            name: format!("{stem}.vcf"),
            bytes: x.vcard.into_bytes(),
        },
    ];
    let paths = invite::write_files(&dir, &files)?;
    Ok(written(dir, paths))
}

/// Erases people completely (GDPR Art. 17); the next sync deletes their cards on the server.
#[tauri::command]
pub fn privacy_erase(state: State<'_, AppState>, ids: Vec<i64>) -> CmdResult<()> {
    let mut store = state.store()?;
    for id in ids {
        store.erase_person(id)?;
    }
    Ok(())
}

/// Contacts not met for `months` months, oldest first.
#[tauri::command]
pub fn privacy_stale(state: State<'_, AppState>, months: u32) -> CmdResult<Vec<StaleContact>> {
    Ok(state.store()?.stale_contacts(months, chrono::Utc::now())?)
}

/// Opens an https, http or mailto link in the system's browser or mail program, after the UI
/// asked the user; anything else is refused.
#[tauri::command]
pub fn open_external(url: String) -> CmdResult<()> {
    let link = vernetzt_core::rules::external_link(&url).map_err(|m| UiError {
        kind: "validation",
        message: m,
        code: Some("link_refused"),
        field: Some("url"),
    })?;
    open::that_detached(&link)
        .map_err(|e| UiError::internal(format!("no program opened the link: {e}")))
}
