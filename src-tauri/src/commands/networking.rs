//! Networking at events: attendance, "met at", quick capture, follow-ups, series.

use super::parse_date;
use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::at_event::{self, AttendanceView};
use vernetzt_core::model::{AttendanceStatus, Contact, Encounter, FollowUp, Series, SeriesMatrix};
use vernetzt_core::series::SeriesSuggestion;
use vernetzt_core::store::QuickCapture;

/// The attendance of an event (UID, and for a recurring event the occurrence's start).
#[tauri::command]
pub fn attendance_list(
    state: State<'_, AppState>,
    uid: String,
    occurrence: Option<String>,
) -> CmdResult<AttendanceView> {
    Ok(at_event::attendance(
        &*state.store()?,
        &uid,
        occurrence.as_deref(),
    )?)
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
    Ok(at_event::mark(
        &mut *state.store()?,
        &uid,
        occurrence.as_deref(),
        contact_id,
        status,
    )?)
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
    Ok(at_event::encounter(
        &mut *state.store()?,
        contact_id,
        uid.as_deref(),
        occurrence.as_deref(),
        session.as_deref(),
        note.as_deref(),
    )?)
}

/// Quick capture at an event: contact, attendance and "met at" in one step.
#[tauri::command]
pub fn quick_capture(
    state: State<'_, AppState>,
    input: QuickCapture,
    uid: Option<String>,
    occurrence: Option<String>,
) -> CmdResult<Contact> {
    Ok(at_event::quick_capture(
        &mut *state.store()?,
        &input,
        uid.as_deref(),
        occurrence.as_deref(),
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
    let due = parse_date(&due)?;
    Ok(state.store()?.add_follow_up(contact_id, due, &text)?)
}

/// Marks a follow-up done.
#[tauri::command]
pub fn follow_up_done(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.store()?.complete_follow_up(id)?)
}

/// Series suggested from event titles.
#[tauri::command]
pub fn series_suggestions(state: State<'_, AppState>) -> CmdResult<Vec<SeriesSuggestion>> {
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
pub fn series_list(state: State<'_, AppState>) -> CmdResult<Vec<Series>> {
    Ok(state.store()?.series()?)
}

/// Who attended which event of a series.
#[tauri::command]
pub fn series_matrix(state: State<'_, AppState>, id: i64) -> CmdResult<SeriesMatrix> {
    Ok(state.store()?.series_matrix(id)?)
}
