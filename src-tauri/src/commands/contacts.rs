//! Contacts and notes, import, duplicates and merges, the timeline, the user's own card.

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::at_event::{self, MergeResult};
use vernetzt_core::csv::Mapping;
use vernetzt_core::exchange::{self, Preview};
use vernetzt_core::model::{
    Contact, ContactInput, ContactPage, ContactSummary, ImportReport, Note, TimelineItem,
};

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

/// Reads a vCard or CSV file (base64) for the import dialog; changes nothing. Off the main
/// thread: a file of 10,000 cards takes seconds.
#[tauri::command]
pub async fn contacts_import_preview(
    state: State<'_, AppState>,
    data: String,
) -> CmdResult<Preview> {
    let bytes = exchange::from_base64(&data)?;
    state
        .blocking(move |store| Ok(exchange::preview(store, &bytes)?))
        .await
}

/// Imports a vCard or CSV file (base64); with an event, records everyone as attendee.
#[tauri::command]
pub async fn contacts_import(
    state: State<'_, AppState>,
    data: String,
    mapping: Option<Mapping>,
    event_uid: Option<String>,
    occurrence: Option<String>,
) -> CmdResult<ImportReport> {
    let bytes = exchange::from_base64(&data)?;
    state
        .blocking(move |store| {
            Ok(at_event::import(
                store,
                &bytes,
                mapping.as_ref(),
                event_uid.as_deref(),
                occurrence.as_deref(),
            )?)
        })
        .await
}

/// Groups of contacts that look like the same person (compares every contact: off the main
/// thread).
#[tauri::command]
pub async fn duplicates_list(state: State<'_, AppState>) -> CmdResult<Vec<Vec<Contact>>> {
    state
        .blocking(|store| Ok(store.duplicate_contacts()?))
        .await
}

/// Merges `other` into `keep`.
#[tauri::command]
pub fn contacts_merge(state: State<'_, AppState>, keep: i64, other: i64) -> CmdResult<MergeResult> {
    Ok(at_event::merge(&mut *state.store()?, keep, other)?)
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
