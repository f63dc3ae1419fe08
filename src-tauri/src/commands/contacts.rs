//! Contacts and notes, import, duplicates and merges, the timeline, the user's own card, and
//! the recently deleted contacts (restore, erase for good).

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::at_event::{self, MergeResult};
use vernetzt_core::csv::Mapping;
use vernetzt_core::exchange::{self, Preview};
use vernetzt_core::model::{
    Contact, ContactInput, ContactPage, ContactSummary, ImportReport, Note, TimelineItem,
};
use vernetzt_core::retention;
use vernetzt_core::store::DeletedContact;

store_commands! {
    /// One page of contacts in name order, with the total for "200 von 10.000".
    fn contacts_list(offset: i64, limit: i64) -> ContactPage = |s| s.list_contacts(offset, limit);

    /// Search as the user types; ranking and folding live in the core.
    fn contacts_search(query: String, limit: i64) -> Vec<ContactSummary> =
        |s| s.search(&query, limit);

    /// One contact with notes and photo, for the detail pane.
    fn contact_get(id: i64) -> Contact = |s| s.contact(id);

    /// Creates a contact with an optional first note (quick capture).
    fn contact_create(input: ContactInput, note: Option<String>) -> Contact =
        |s| s.create_contact(&input, note.as_deref());

    /// Saves the edit form.
    fn contact_update(id: i64, input: ContactInput) -> Contact = |s| s.update_contact(id, &input);

    /// Deletes (soft) so that the undo toast can restore it.
    fn contact_delete(id: i64) -> () = |s| s.delete_contact(id);

    /// Undo of a delete, from the undo notice or the recently deleted list; a merged-away
    /// contact comes back by undoing its merge.
    fn contact_restore(id: i64) -> Contact = |s| s.restore_deleted_contact(id);

    /// Deleted and merged-away contacts not yet erased, most recent first, with when and why.
    fn contacts_deleted() -> Vec<DeletedContact> = |s| s.deleted_contacts();

    /// Erases a deleted contact for good (GDPR erase: notes, attendance, encounters,
    /// follow-ups, the card on the server); a live contact is refused.
    async fn contact_erase_deleted(id: i64) -> () = |s| retention::erase_deleted(s, id);

    /// Adds a timestamped note in the detail pane.
    fn note_add(contact_id: i64, body: String) -> Note = |s| s.add_note(contact_id, &body);

    /// Edits a note in place; its creation time stays.
    fn note_update(id: i64, body: String) -> Note = |s| s.update_note(id, &body);

    /// Deletes a note.
    fn note_delete(id: i64) -> () = |s| s.delete_note(id);

    /// Groups of contacts that look like the same person (compares every contact: off the main
    /// thread).
    async fn duplicates_list() -> Vec<Vec<Contact>> = |s| s.duplicate_contacts();

    /// Merges `other` into `keep`.
    fn contacts_merge(keep: i64, other: i64) -> MergeResult = |s| at_event::merge(s, keep, other);

    /// Undoes a merge.
    fn merge_undo(merge_id: i64) -> () = |s| s.undo_merge(merge_id);

    /// A contact's timeline, newest first.
    fn contact_timeline(id: i64) -> Vec<TimelineItem> = |s| s.timeline(id);

    /// Chooses which contact is the user (`None` unsets).
    fn me_set(id: Option<i64>) -> () = |s| s.set_me(id);

    /// The user's own contact, if chosen.
    fn me_get() -> Option<Contact> = |s| s.me();
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

/// The user's own card: vCard text and its QR code (SVG).
#[derive(serde::Serialize)]
pub struct OwnCard {
    vcard: String,
    svg: String,
}

/// The user's card as vCard and QR code.
#[tauri::command]
pub fn own_card(state: State<'_, AppState>) -> CmdResult<OwnCard> {
    let (vcard, svg) = vernetzt_core::card::own_card(&*state.store()?)?;
    Ok(OwnCard { vcard, svg })
}
