//! `vernetzt series …`: event series (every OZG-Erfahrungsaustausch), suggested from titles,
//! confirmed by the user, and who attended which of their events.

use crate::output::{Outcome, Output, lines};
use clap::Subcommand;
use vernetzt_core::Store;

/// `vernetzt series …`.
#[derive(Subcommand)]
pub enum SeriesCmd {
    /// Series suggested from event titles.
    Suggest,
    /// Make a series of events (by UID).
    Confirm {
        /// The series' name.
        #[arg(long)]
        name: String,
        /// Event UIDs.
        #[arg(required = true)]
        events: Vec<String>,
    },
    /// The confirmed series.
    List,
    /// Who attended which event of a series.
    Matrix { id: i64 },
}

/// Runs `vernetzt series …`.
pub fn run(store: &mut Store, cmd: SeriesCmd) -> Outcome {
    Ok(match cmd {
        SeriesCmd::Suggest => Output::list(&store.series_suggestions()?, |x| {
            format!("{} ({} events)", x.name, x.event_ids.len())
        }),
        SeriesCmd::Confirm { name, events } => {
            let ids = events
                .iter()
                .map(|uid| store.event_ref(uid, None).map(|e| e.event_id))
                .collect::<Result<Vec<_>, _>>()?;
            let id = store.confirm_series(&name, &ids)?;
            Output::done("series", id, format_args!("series #{id}: {name}"))
        }
        SeriesCmd::List => Output::list(&store.series()?, |s| {
            format!("{:>4}  {} ({} events)", s.id, s.name, s.events.len())
        }),
        SeriesCmd::Matrix { id } => {
            let m = store.series_matrix(id)?;
            let titles: Vec<&str> = m.series.events.iter().map(|e| e.title.as_str()).collect();
            let text = std::iter::once(titles.join(" | ")).chain(m.rows.iter().map(|r| {
                let cells: Vec<&str> = r
                    .statuses
                    .iter()
                    .map(|s| s.as_deref().unwrap_or("-"))
                    .collect();
                format!("{}: {}", r.name, cells.join(" | "))
            }));
            Output::new(&m, lines(text))
        }
    })
}
