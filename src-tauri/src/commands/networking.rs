//! Networking at events: attendance, "met at", quick capture, follow-ups, series.

use super::parse_date;
use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::at_event::{self, AttendanceView};
use vernetzt_core::model::{AttendanceStatus, Contact, Encounter, FollowUp, Series, SeriesMatrix};
use vernetzt_core::series::SeriesSuggestion;
use vernetzt_core::store::QuickCapture;

store_commands! {
    /// The attendance of an event (UID, and for a recurring event the occurrence's start).
    fn attendance_list(uid: String, occurrence: Option<String>) -> AttendanceView =
        |s| at_event::attendance(s, &uid, occurrence.as_deref());

    /// Records the user's own status (no contact) or a contact's.
    fn attendance_mark(
        uid: String,
        occurrence: Option<String>,
        contact_id: Option<i64>,
        status: AttendanceStatus,
    ) -> () = |s| at_event::mark(s, &uid, occurrence.as_deref(), contact_id, status);

    /// Records where the user met a contact.
    fn encounter_add(
        contact_id: i64,
        uid: Option<String>,
        occurrence: Option<String>,
        session: Option<String>,
        note: Option<String>,
    ) -> Encounter = |s| at_event::encounter(
        s,
        contact_id,
        uid.as_deref(),
        occurrence.as_deref(),
        session.as_deref(),
        note.as_deref(),
    );

    /// Quick capture at an event: contact, attendance and "met at" in one step.
    fn quick_capture(
        input: QuickCapture,
        uid: Option<String>,
        occurrence: Option<String>,
    ) -> Contact = |s| at_event::quick_capture(s, &input, uid.as_deref(), occurrence.as_deref());

    /// Follow-ups, open ones or all.
    fn follow_ups_list(include_done: bool) -> Vec<FollowUp> = |s| s.follow_ups(include_done, None);

    /// Marks a follow-up done.
    fn follow_up_done(id: i64) -> () = |s| s.complete_follow_up(id);

    /// Series suggested from event titles.
    fn series_suggestions() -> Vec<SeriesSuggestion> = |s| s.series_suggestions();

    /// Makes a series of these events; returns its id.
    fn series_confirm(name: String, event_ids: Vec<i64>) -> i64 =
        |s| s.confirm_series(&name, &event_ids);

    /// The confirmed series.
    fn series_list() -> Vec<Series> = |s| s.series();

    /// Who attended which event of a series.
    fn series_matrix(id: i64) -> SeriesMatrix = |s| s.series_matrix(id);
}

/// Adds a follow-up; `due` is `YYYY-MM-DD`, checked before the store is locked.
#[tauri::command]
pub fn follow_up_add(
    state: State<'_, AppState>,
    contact_id: i64,
    due: String,
    text: String,
) -> CmdResult<FollowUp> {
    let due = parse_date(&due)?;
    Ok(state.store()?.add_follow_up(contact_id, due, &text)?)
}
