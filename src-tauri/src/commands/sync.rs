//! The CardDAV/CalDAV sync: account, runs, status, conflicts.

use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::store::{Account, Conflict, SyncStatus};
use vernetzt_net::dav;

store_commands! {
    /// The sync account (no password).
    fn sync_account_get() -> Option<Account> = |s| s.dav_account();

    /// Open conflicts.
    fn conflicts_list() -> Vec<Conflict> = |s| s.conflicts();

    /// Resolves a conflict: keep `local`, `remote` or `both`.
    fn conflict_resolve(id: i64, keep: String) -> () = |s| s.resolve_conflict(id, &keep);
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
