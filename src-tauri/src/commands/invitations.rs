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

store_commands! {
    /// Creates an own event (organiser side).
    fn own_event_create(input: OwnEventInput) -> EventRef = |s| s.create_own_event(&input);

    /// An own event for the form and the invitation view.
    fn own_event_get(uid: String) -> OwnEvent = |s| s.own_event_view(&uid);

    /// Saves an own event; returns the SEQUENCE (raised on a new time or place).
    fn own_event_update(uid: String, input: OwnEventInput) -> i64 =
        |s| s.update_own_event(&uid, &input);

    /// Cancels an own event (the next send carries METHOD:CANCEL).
    fn own_event_cancel(uid: String) -> i64 = |s| s.cancel_own_event(&uid);

    /// The form of an own event filled from a feed event (or one occurrence).
    fn event_copy(event_id: i64, occurrence: Option<String>) -> OwnEventInput =
        |s| s.copy_event(event_id, occurrence.as_deref());

    /// Who a pick and a filter would invite (and who lacks an address); records nothing.
    fn invite_preview(uid: String, contacts: Vec<i64>, filter: InviteeFilter) -> InvitePreview =
        |s| s.invite_preview(&uid, &contacts, &filter);

    /// Puts the selection on the event's list.
    fn invite_add(uid: String, contacts: Vec<i64>, filter: InviteeFilter) -> InvitePreview =
        |s| s.add_invitees(&uid, &contacts, &filter);

    /// Takes people off the list (they get a CANCEL on the next send); returns how many.
    fn invite_remove(uid: String, contacts: Vec<i64>, emails: Vec<String>) -> usize =
        |s| s.remove_invitees(&uid, &contacts, &emails).map(|gone| gone.len());

    /// The RSVP overview: list with answers and delivery, and counts.
    fn rsvp_get(uid: String) -> Rsvp = |s| s.rsvp(&uid);

    /// Writes the invitation (.ics with everyone, one .eml each) into `dir` (default: Downloads).
    async fn invite_export(uid: String, dir: Option<String>) -> Written =
        |s| export::invitations(s, &uid, dir.as_deref(), chrono::Utc::now());

    /// Writes the RSVP list as CSV (German Excel) into `dir`.
    async fn rsvp_export_csv(uid: String, dir: Option<String>) -> Written =
        |s| export::rsvp_csv(s, &uid, dir.as_deref());
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

/// Reads a reply (.ics or .eml, base64) and stores the answers.
#[tauri::command]
pub async fn reply_import(state: State<'_, AppState>, data: String) -> CmdResult<ReplyImport> {
    let bytes = exchange::from_base64(&data)?;
    state
        .blocking(move |store| Ok(store.import_reply(&bytes)?))
        .await
}

/// Sends the event's outbox by SMTP with the settings' server and the keyring's password.
/// The store is locked only around each message's bookkeeping, never while waiting on the server.
#[tauri::command]
pub async fn invite_send(state: State<'_, AppState>, uid: String) -> CmdResult<SendReport> {
    Ok(outbox::send_with_settings(state.store_mutex()?, &state.secrets, &uid).await?)
}
