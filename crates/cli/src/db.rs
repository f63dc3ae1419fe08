//! `vernetzt db …`: the database file's encryption and integrity. Opening the store already
//! encrypts a plain file from an earlier version; these commands say what happened.

use crate::output::{Outcome, Output};
use clap::Subcommand;
use vernetzt_core::Store;
use vernetzt_net::dbkey::Opened;

/// `vernetzt db …`.
#[derive(Subcommand)]
pub enum DbCmd {
    /// Encrypt a plain database from an earlier version (done on first open anyway; this says
    /// what happened).
    Encrypt,
    /// Integrity and encryption status.
    Check,
}

/// Runs `vernetzt db …` on the store as `opened` found it.
pub fn run(store: &Store, cmd: DbCmd, opened: &Opened) -> Outcome {
    store.integrity_check()?;
    let report = serde_json::json!({
        "path": store.path(),
        "encrypted": store.is_encrypted()?,
        "key_source": opened.key_source,
        "migrated_now": opened.migrated,
        "integrity": "ok",
        "schema_version": vernetzt_core::store::schema_version(),
    });
    let path = store.path().display();
    Ok(match cmd {
        DbCmd::Encrypt if opened.migrated => {
            Output::line(&report, format_args!("encrypted {path}"))
        }
        DbCmd::Encrypt => Output::line(&report, format_args!("{path} is encrypted")),
        DbCmd::Check => Output::line(
            &report,
            format_args!("{path}: encrypted ({}), integrity ok", opened.key_source),
        ),
    })
}
