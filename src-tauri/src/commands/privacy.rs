//! Datenschutz: the GDPR export and erase, contacts not met for long, the database's recovery
//! key.

use vernetzt_core::export::{self, Written};
use vernetzt_core::store::StaleContact;

store_commands! {
    /// Everything stored about one person (GDPR Art. 15), written as JSON and vCard into `dir`.
    async fn privacy_export(id: i64, dir: Option<String>) -> Written =
        |s| export::person(s, id, dir.as_deref());

    /// Erases people completely (GDPR Art. 17); the next sync deletes their cards on the server.
    async fn privacy_erase(ids: Vec<i64>) -> () = |s| export::erase_people(s, &ids);

    /// Contacts not met for `months` months, oldest first.
    fn privacy_stale(months: u32) -> Vec<StaleContact> =
        |s| s.stale_contacts(months, chrono::Utc::now());
}

/// The database's recovery key, for the user to write down or keep in a password manager: it
/// opens the database again when the keyring entry is lost. Read from the keyring on demand and
/// never stored by the UI; the store's lock is held meanwhile, so nothing else writes.
#[tauri::command]
pub async fn privacy_recovery_key(
    state: tauri::State<'_, crate::state::AppState>,
) -> crate::error::CmdResult<String> {
    let secrets = std::sync::Arc::clone(&state.secrets);
    state
        .blocking(move |s| Ok(vernetzt_net::dbkey::recovery_key(s.path(), &secrets)?))
        .await
}
