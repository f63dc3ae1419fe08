//! `vernetzt account …`: the CardDAV/CalDAV sync account. Parsing and printing only; discovery
//! and the keyring are in `vernetzt_net::dav`.

use crate::output::{Outcome, Output};
use crate::{Failure, shared};
use clap::Subcommand;
use vernetzt_core::Store;
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

/// What `account show` and a sync without an account tell the user to do.
pub const NO_ACCOUNT: &str = "no sync account; set one up with `vernetzt account add URL --user U`";

/// Runs `vernetzt account …`.
pub fn run(store: Store, cmd: AccountCmd) -> Outcome {
    match cmd {
        AccountCmd::Add {
            url,
            user,
            addressbook,
            no_calendar,
        } => {
            let pw = shared::stdin_secret("the password")?;
            if pw.is_empty() {
                return Err(Failure::Usage(
                    "give the password or app token on stdin".into(),
                ));
            }
            let cell = std::sync::Mutex::new(store);
            let acc = shared::runtime()?
                .block_on(dav::add_account(
                    &cell,
                    &shared::secrets(),
                    &url,
                    &user,
                    &pw,
                    addressbook.as_deref(),
                    !no_calendar,
                ))
                .map_err(|e| Failure::Other(e.message))?;
            Ok(Output::line(
                &acc,
                format_args!(
                    "account {} at {}: address book {}, calendar {}",
                    acc.user,
                    acc.url,
                    acc.addressbook,
                    acc.calendar.as_deref().unwrap_or("none")
                ),
            ))
        }
        AccountCmd::Show => {
            let acc = store.dav_account()?;
            let text = match &acc {
                Some(a) => format!("{} at {}: address book {}", a.user, a.url, a.addressbook),
                None => NO_ACCOUNT.to_string(),
            };
            Ok(Output::line(&acc, text))
        }
    }
}
