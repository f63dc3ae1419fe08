//! Datenschutz: the GDPR export and erase, contacts not met for long.

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
