//! `vernetzt sync [status]`: sync contacts and own events with the CardDAV/CalDAV server now, or
//! show the sync status. The sync itself is `vernetzt_net::dav::sync_account`.

use crate::account::NO_ACCOUNT;
use crate::output::{Outcome, Output};
use crate::{Failure, shared};
use vernetzt_core::Store;
use vernetzt_net::dav;

/// `vernetzt sync [status]`.
#[derive(clap::Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    cmd: Option<SyncCmd>,
}

#[derive(clap::Subcommand)]
enum SyncCmd {
    /// Pending changes, last sync, last error, open conflicts.
    Status,
}

/// Runs `vernetzt sync [status]`; with `progress`, the steps are counted on stderr (not with
/// `--json`, where a script reads the output).
pub fn run(store: Store, a: SyncArgs, progress: bool) -> Outcome {
    if let Some(SyncCmd::Status) = a.cmd {
        let st = store.sync_status()?;
        return Ok(Output::line(
            &st,
            format_args!(
                "{} pending, {} conflicts, last sync {}, last error {}",
                st.pending,
                st.conflicts,
                st.last_sync.as_deref().unwrap_or("never"),
                st.last_error.as_deref().unwrap_or("none")
            ),
        ));
    }
    let store = std::sync::Mutex::new(store);
    let result = shared::runtime()?.block_on(dav::sync_account(
        &store,
        &shared::secrets(),
        chrono::Utc::now(),
        true,
        chrono::Duration::minutes(5),
        &mut |step, done, total| {
            if progress && total > 0 {
                eprint!("\r{step} {done}/{total}   ");
            }
        },
    ));
    match result {
        Ok(Some(r)) => {
            if progress {
                eprintln!();
            }
            Ok(Output::line(
                &r,
                format_args!(
                    "pushed {}, deleted {}, pulled {}, deleted here {}, conflicts {} ({} requests, {})",
                    r.pushed,
                    r.deleted,
                    r.pulled,
                    r.removed_here,
                    r.conflicts,
                    r.requests,
                    r.pull_method
                ),
            ))
        }
        Ok(None) => Err(Failure::Usage(NO_ACCOUNT.into())),
        Err(e) => Err(Failure::Other(e.message)),
    }
}
