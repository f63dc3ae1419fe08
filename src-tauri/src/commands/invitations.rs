//! Own events and invitations: the form, the invitee list, exports, replies, sending by SMTP.

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::exchange;
use vernetzt_core::export::{self, Written};
use vernetzt_core::invite::{InvitePreview, InviteeFilter};
use vernetzt_core::model::{EventRef, OwnEventInput};
use vernetzt_core::store::{OwnEvent, ReplyImport, Rsvp};
use vernetzt_net::mail::{self, SendReport};
use vernetzt_net::outbox;

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

/// Writes the invitation (.ics with everyone, one .eml each) into `dir` (default: Downloads).
#[tauri::command]
pub async fn invite_export(
    state: State<'_, AppState>,
    uid: String,
    dir: Option<String>,
) -> CmdResult<Written> {
    state
        .blocking(move |store| {
            Ok(export::invitations(
                store,
                &uid,
                dir.as_deref(),
                chrono::Utc::now(),
            )?)
        })
        .await
}

/// Writes the RSVP list as CSV (German Excel) into `dir`.
#[tauri::command]
pub async fn rsvp_export_csv(
    state: State<'_, AppState>,
    uid: String,
    dir: Option<String>,
) -> CmdResult<Written> {
    state
        .blocking(move |store| Ok(export::rsvp_csv(store, &uid, dir.as_deref())?))
        .await
}

/// Reads a reply (.ics or .eml, base64) and stores the answers.
#[tauri::command]
pub async fn reply_import(state: State<'_, AppState>, data: String) -> CmdResult<ReplyImport> {
    let bytes = exchange::from_base64(&data)?;
    state
        .blocking(move |store| Ok(store.import_reply(&bytes)?))
        .await
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
    Ok(outbox::send_with_settings(state.store_mutex()?, &state.secrets, &uid).await?)
}
