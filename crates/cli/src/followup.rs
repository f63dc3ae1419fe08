//! `vernetzt followup …`: follow-ups (Wiedervorlage) on contacts, and their export as VTODOs.

use crate::output::{Outcome, Output};
use crate::{Failure, shared};
use clap::Subcommand;
use std::path::PathBuf;
use vernetzt_core::Store;

/// `vernetzt followup …`.
#[derive(Subcommand)]
pub enum FollowupCmd {
    /// Add a follow-up on a contact.
    Add {
        /// The contact.
        contact: i64,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: String,
        /// What to do.
        #[arg(long)]
        text: String,
    },
    /// Open follow-ups (all, or due by a date).
    List {
        /// Only those due by this date (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
    },
    /// Mark a follow-up done.
    Done { id: i64 },
    /// Export follow-ups as VTODOs in an .ics file (to stdout, or --out FILE).
    Export {
        /// Include done ones.
        #[arg(long)]
        all: bool,
        /// Write to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::Usage(format!("'{s}' is not a date (YYYY-MM-DD)")))
}

/// Runs `vernetzt followup …`.
pub fn run(store: &mut Store, cmd: FollowupCmd) -> Outcome {
    Ok(match cmd {
        FollowupCmd::Add { contact, due, text } => {
            let f = store.add_follow_up(contact, parse_date(&due)?, &text)?;
            Output::line(&f, format_args!("follow-up #{} due {}", f.id, f.due_date))
        }
        FollowupCmd::List { until } => {
            let until = until.as_deref().map(parse_date).transpose()?;
            Output::list(&store.follow_ups(false, until)?, |f| {
                format!("{}  {}  {}", f.due_date, f.contact_name, f.text)
            })
        }
        FollowupCmd::Export { all, out } => {
            let ics = vernetzt_core::ical::write::follow_ups_ics(
                &store.follow_ups(all, None)?,
                chrono::Utc::now(),
            );
            shared::to_file_or_stdout(out, ics)?
        }
        FollowupCmd::Done { id } => {
            store.complete_follow_up(id)?;
            Output::done("done", id, format_args!("follow-up #{id} done"))
        }
    })
}
