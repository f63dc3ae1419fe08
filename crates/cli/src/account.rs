//! `vernetzt account …`, `vernetzt sync …`, `vernetzt conflicts …`: the CardDAV sync from the
//! command line. Parsing and printing only; the work is in `vernetzt_net::dav` and the store.

use super::{Failure, Out, print_json};
use clap::Subcommand;
use std::io::Read;
use vernetzt_core::Store;
use vernetzt_net::Secrets;
use vernetzt_net::dav;

/// `vernetzt account …`.
#[derive(Subcommand)]
pub enum AccountCmd {
    /// Set up the sync account: the server address is enough (discovery finds the address
    /// book); the password or app token is read from stdin into the keyring.
    Add {
        url: String,
        #[arg(long)]
        user: String,
        /// Use this address book (path or URL) instead of the one discovery finds.
        #[arg(long)]
        addressbook: Option<String>,
        /// Contacts only: keep own events out of the server's calendar (for a server without
        /// CalDAV, or when events live elsewhere).
        #[arg(long)]
        no_calendar: bool,
    },
    /// The account as stored (no password).
    Show,
}

/// `vernetzt sync [status]`.
#[derive(clap::Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    cmd: Option<SyncCmd>,
}

#[derive(Subcommand)]
enum SyncCmd {
    /// Pending changes, last sync, last error, open conflicts.
    Status,
}

/// `vernetzt conflicts …`.
#[derive(Subcommand)]
pub enum ConflictsCmd {
    /// Fields changed differently here and on the server.
    List,
    /// Keep this device's value, the server's, or both (the other as a note).
    Resolve {
        id: i64,
        #[arg(long, value_parser = ["local", "remote", "both"])]
        keep: String,
    },
}

fn secrets() -> Secrets {
    Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the runtime: {e}")))
}

/// Runs `vernetzt account …`.
pub fn account(store: Store, cmd: AccountCmd, json: bool) -> Out {
    match cmd {
        AccountCmd::Add {
            url,
            user,
            addressbook,
            no_calendar,
        } => {
            let mut pw = String::new();
            std::io::stdin()
                .read_to_string(&mut pw)
                .map_err(|e| Failure::Other(format!("cannot read the password: {e}")))?;
            let pw = pw.trim_end_matches(['\r', '\n']).to_string();
            if pw.is_empty() {
                return Err(Failure::Usage(
                    "give the password or app token on stdin".into(),
                ));
            }
            let cell = std::sync::Mutex::new(store);
            let acc = runtime()?
                .block_on(dav::add_account(
                    &cell,
                    &secrets(),
                    &url,
                    &user,
                    &pw,
                    addressbook.as_deref(),
                    !no_calendar,
                ))
                .map_err(|e| Failure::Other(e.message))?;
            if json {
                print_json(&acc);
            } else {
                println!(
                    "account {} at {}: address book {}, calendar {}",
                    acc.user,
                    acc.url,
                    acc.addressbook,
                    acc.calendar.as_deref().unwrap_or("none")
                );
            }
            Ok(())
        }
        AccountCmd::Show => {
            let acc = store.dav_account()?;
            if json {
                print_json(&acc);
            } else {
                match acc {
                    Some(a) => println!("{} at {}: address book {}", a.user, a.url, a.addressbook),
                    None => println!(
                        "no sync account; set one up with `vernetzt account add URL --user U`"
                    ),
                }
            }
            Ok(())
        }
    }
}

/// Runs `vernetzt sync [status]`.
pub fn sync(store: Store, a: SyncArgs, json: bool) -> Out {
    if let Some(SyncCmd::Status) = a.cmd {
        let st = store.sync_status()?;
        if json {
            print_json(&st);
        } else {
            println!(
                "{} pending, {} conflicts, last sync {}, last error {}",
                st.pending,
                st.conflicts,
                st.last_sync.as_deref().unwrap_or("never"),
                st.last_error.as_deref().unwrap_or("none")
            );
        }
        return Ok(());
    }
    let store = std::sync::Mutex::new(store);
    let result = runtime()?.block_on(dav::sync_account(
        &store,
        &secrets(),
        chrono::Utc::now(),
        true,
        chrono::Duration::minutes(5),
        &mut |step, done, total| {
            if !json && total > 0 {
                eprint!("\r{step} {done}/{total}   ");
            }
        },
    ));
    match result {
        Ok(Some(r)) => {
            if json {
                print_json(&r);
            } else {
                eprintln!();
                println!(
                    "pushed {}, deleted {}, pulled {}, deleted here {}, conflicts {} ({} requests, {})",
                    r.pushed,
                    r.deleted,
                    r.pulled,
                    r.removed_here,
                    r.conflicts,
                    r.requests,
                    r.pull_method
                );
            }
            Ok(())
        }
        Ok(None) => Err(Failure::Usage(
            "no sync account; set one up with `vernetzt account add URL --user U`".into(),
        )),
        Err(e) => Err(Failure::Other(e.message)),
    }
}

/// Runs `vernetzt conflicts …`.
pub fn conflicts(store: &mut Store, cmd: ConflictsCmd, json: bool) -> Out {
    match cmd {
        ConflictsCmd::List => {
            let list = store.conflicts()?;
            if json {
                print_json(&list);
            } else {
                for c in &list {
                    println!(
                        "#{} {} — {}: here '{}', server '{}'",
                        c.id,
                        c.name.as_deref().unwrap_or("?"),
                        c.field,
                        c.local.as_deref().unwrap_or(""),
                        c.remote.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(())
        }
        ConflictsCmd::Resolve { id, keep } => {
            store.resolve_conflict(id, &keep)?;
            if json {
                print_json(&serde_json::json!({ "resolved": id, "keep": keep }));
            }
            Ok(())
        }
    }
}
