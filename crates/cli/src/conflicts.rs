//! `vernetzt conflicts …`: fields changed differently on this device and on the server, and
//! how to settle each.

use crate::output::{Outcome, Output};
use clap::Subcommand;
use vernetzt_core::Store;

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

/// Runs `vernetzt conflicts …`.
pub fn run(store: &mut Store, cmd: ConflictsCmd) -> Outcome {
    Ok(match cmd {
        ConflictsCmd::List => Output::list(&store.conflicts()?, |c| {
            format!(
                "#{} {} — {}: here '{}', server '{}'",
                c.id,
                c.name.as_deref().unwrap_or("?"),
                c.field,
                c.local.as_deref().unwrap_or(""),
                c.remote.as_deref().unwrap_or("")
            )
        }),
        ConflictsCmd::Resolve { id, keep } => {
            store.resolve_conflict(id, &keep)?;
            Output::json_only(&serde_json::json!({ "resolved": id, "keep": keep }))
        }
    })
}
