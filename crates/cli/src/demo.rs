//! `vernetzt demo`: fill the database with demo data, to try the app or measure it.
//!
//! Without `--count` it fills the showcase a newcomer should see (contacts, an event feed with a
//! series, attendance, follow-ups, an own event with answers, likely duplicates); with `--count N`
//! only N generated contacts, which is what benchmarks and tests that count rows want.

use crate::output::{Outcome, Output};
use clap::Args;
use vernetzt_core::Store;

/// `vernetzt demo [--count N] --seed S`.
#[derive(Args)]
pub struct DemoArgs {
    /// Only this many generated contacts (no events, series or invitations).
    #[arg(long)]
    count: Option<u64>,
    /// Seed: the same seed gives the same data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Runs `vernetzt demo`.
pub fn run(store: &mut Store, a: DemoArgs) -> Outcome {
    match a.count {
        Some(count) => {
            vernetzt_core::demo::populate(store, count, a.seed)?;
            Ok(Output::done(
                "added",
                count,
                format_args!("{count} demo contacts added"),
            ))
        }
        None => {
            let made = vernetzt_core::demo::showcase(store, chrono::Utc::now(), a.seed)?;
            let text = format!(
                "demo: {} contacts, {} events in a feed, {} series, {} follow-ups, an own event with {} invitees and {} answers, {} groups of likely duplicates",
                made.contacts,
                made.events,
                made.series,
                made.follow_ups,
                made.invitees,
                made.answers,
                made.duplicate_groups
            );
            Ok(Output::line(&made, text))
        }
    }
}
