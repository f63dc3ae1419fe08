//! The directory: organisations, Länder, Themenfelder.

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::model::{Land, Organization, OrganizationInput, Themenfeld};

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
