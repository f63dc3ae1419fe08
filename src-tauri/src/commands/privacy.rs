//! Datenschutz: the GDPR export and erase, contacts not met for long.

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::export::{self, Written};
use vernetzt_core::store::StaleContact;

/// Everything stored about one person (GDPR Art. 15), written as JSON and vCard into `dir`.
#[tauri::command]
pub async fn privacy_export(
    state: State<'_, AppState>,
    id: i64,
    dir: Option<String>,
) -> CmdResult<Written> {
    state
        .blocking(move |store| Ok(export::person(store, id, dir.as_deref())?))
        .await
}

/// Erases people completely (GDPR Art. 17); the next sync deletes their cards on the server.
#[tauri::command]
pub async fn privacy_erase(state: State<'_, AppState>, ids: Vec<i64>) -> CmdResult<()> {
    state
        .blocking(move |store| Ok(export::erase_people(store, &ids)?))
        .await
}

/// Contacts not met for `months` months, oldest first.
#[tauri::command]
pub fn privacy_stale(state: State<'_, AppState>, months: u32) -> CmdResult<Vec<StaleContact>> {
    Ok(state.store()?.stale_contacts(months, chrono::Utc::now())?)
}
