//! `vernetzt db …`: the database file's encryption, key and integrity. Opening the store already
//! encrypts a plain file from an earlier version (and finishes an interrupted encryption);
//! `encrypt` and `check` say what happened. The key commands (`recovery-key`, `recover`,
//! `rekey`) work on the file and the keyring themselves, since `recover` is for when the
//! ordinary open cannot find the key.

use crate::output::{Outcome, Output};
use crate::{Failure, shared};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use vernetzt_net::dbkey;

/// `vernetzt db …`.
#[derive(Subcommand)]
pub enum DbCmd {
    /// Encrypt a plain database from an earlier version (done on first open anyway; this says
    /// what happened).
    Encrypt,
    /// Integrity and encryption status.
    Check,
    /// The recovery key: it opens the database again if the keyring entry is lost (a reset
    /// login keyring). Keep it away from this computer: on paper, or in a password manager.
    RecoveryKey {
        /// Write it to this new file (readable by you only) instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Reopen the database with its recovery key and put the key into the keyring again.
    Recover {
        /// Read the recovery key from stdin (never from the command line, where other
        /// programs can see it).
        #[arg(long, required = true)]
        recovery_key_stdin: bool,
    },
    /// Re-encrypt the database with a new key (in the keyring); the old recovery key stops
    /// working and the new one is printed or written. Close the app first.
    Rekey {
        /// Write the new recovery key to this new file (readable by you only) instead of
        /// printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Runs `vernetzt db …` on the database at `path`.
pub fn run(path: &Path, cmd: DbCmd, passphrase: Option<String>) -> Outcome {
    let secrets = shared::secrets();
    let refuse_passphrase = || -> Result<(), Failure> {
        match passphrase {
            Some(_) => Err(Failure::Usage(
                "--passphrase-stdin: a database with a passphrase has no recovery key; the \
                 passphrase is what you keep"
                    .into(),
            )),
            None => Ok(()),
        }
    };
    match cmd {
        DbCmd::Encrypt | DbCmd::Check => status(path, cmd, passphrase),
        DbCmd::RecoveryKey { out } => {
            refuse_passphrase()?;
            let key = dbkey::recovery_key(path, &secrets)?;
            Ok(deliver(out, &key)?.unwrap_or_else(|| {
                Output::line(&serde_json::json!({ "recovery_key": key }), &key).note(KEEP_IT)
            }))
        }
        DbCmd::Recover { .. } => {
            refuse_passphrase()?;
            let text = shared::stdin_secret("the recovery key")?;
            dbkey::recover(path, &text, &secrets)?;
            Ok(Output::done(
                "recovered",
                true,
                format_args!(
                    "{} opens again; its key is back in the keyring",
                    path.display()
                ),
            ))
        }
        DbCmd::Rekey { out } => {
            refuse_passphrase()?;
            let mut printed = None;
            dbkey::rekey(path, &secrets, |key: &str| {
                printed = Some(deliver(out, key)?.unwrap_or_else(|| {
                    Output::line(&serde_json::json!({ "recovery_key": key }), key)
                        .note("The database has a new key. The old recovery key no longer works.")
                        .note(KEEP_IT)
                }));
                Ok::<(), Failure>(())
            })?;
            Ok(printed.unwrap_or_else(Output::nothing))
        }
    }
}

const KEEP_IT: &str = "Keep this recovery key safe and away from this computer (on paper, or in a \
                       password manager): anyone who has it and the database file can read it.";

/// Writes the recovery key to `out` when given (a new file, 0600; `None` printed then);
/// otherwise `None`, for the caller to print it.
fn deliver(out: Option<PathBuf>, key: &str) -> Result<Option<Output>, Failure> {
    match out {
        Some(file) => {
            shared::write_file(&file, format!("{key}\n"))?;
            Ok(Some(Output::done(
                "written",
                &file,
                format_args!("recovery key written to {}", file.display()),
            )))
        }
        None => Ok(None),
    }
}

/// `db encrypt` and `db check`: open the store (which encrypts a plain file) and report.
fn status(path: &Path, cmd: DbCmd, passphrase: Option<String>) -> Outcome {
    let (store, opened) = dbkey::open_store(path, passphrase, &shared::secrets())?;
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
        _ => Output::line(
            &report,
            format_args!("{path}: encrypted ({}), integrity ok", opened.key_source),
        ),
    })
}
