//! `vernetzt orgs …`: the organisation directory (Bund, Länder, Kommunen and your own).

use crate::output::{Outcome, Output};
use crate::{Failure, shared};
use clap::Subcommand;
use vernetzt_core::Store;
use vernetzt_core::model::{Level, OrganizationInput};

/// `vernetzt orgs …`.
#[derive(Subcommand)]
pub enum OrgsCmd {
    /// List organisations.
    List {
        /// bund, land, kommune or other.
        #[arg(long)]
        level: Option<String>,
        /// Land by name, key (09) or code (BY).
        #[arg(long)]
        land: Option<String>,
    },
    /// Add an organisation of your own.
    Add {
        #[arg(long)]
        name: String,
        /// bund, land, kommune or other.
        #[arg(long, default_value = "other")]
        level: String,
        /// Land by name, key or code (required for a Kommune).
        #[arg(long)]
        land: Option<String>,
        /// Abbreviation.
        #[arg(long)]
        short: Option<String>,
        /// Official key (AGS/ARS).
        #[arg(long)]
        key: Option<String>,
        /// Kind, e.g. Gemeinde, Referat.
        #[arg(long)]
        kind: Option<String>,
        /// Parent organisation id.
        #[arg(long)]
        parent: Option<i64>,
    },
}

fn parse_level(s: &str) -> Result<Level, Failure> {
    shared::choice(s, Level::parse, "level", "bund, land, kommune or other")
}

/// Runs `vernetzt orgs …`.
pub fn run(store: &mut Store, cmd: OrgsCmd) -> Outcome {
    Ok(match cmd {
        OrgsCmd::List { level, land } => {
            let level = level.as_deref().map(parse_level).transpose()?;
            Output::list(&store.list_orgs(level, land.as_deref())?, |o| {
                format!(
                    "{:>6}  {:<8} {:<6} {}  {}",
                    o.id,
                    o.level.as_str(),
                    o.key.as_deref().unwrap_or(""),
                    o.name,
                    o.land.as_deref().unwrap_or("")
                )
            })
        }
        OrgsCmd::Add {
            name,
            level,
            land,
            short,
            key,
            kind,
            parent,
        } => {
            let org = store.create_org(&OrganizationInput {
                name,
                short_name: short,
                level: Some(parse_level(&level)?),
                kind,
                land_key: land,
                key,
                parent_id: parent,
            })?;
            Output::line(&org, format_args!("added {} (#{})", org.name, org.id))
        }
    })
}
