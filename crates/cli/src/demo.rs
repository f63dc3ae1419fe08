//! `vernetzt demo`: fill the database with generated demo data, to try the app or measure it.

use crate::output::{Outcome, Output};
use clap::Args;
use vernetzt_core::Store;

/// `vernetzt demo --count N --seed S`.
#[derive(Args)]
pub struct DemoArgs {
    /// How many contacts.
    #[arg(long, default_value_t = 200)]
    count: u64,
    /// Seed: the same seed gives the same contacts.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// Runs `vernetzt demo`.
pub fn run(store: &mut Store, a: DemoArgs) -> Outcome {
    vernetzt_core::demo::populate(store, a.count, a.seed)?;
    Ok(Output::line(
        &serde_json::json!({ "added": a.count }),
        format_args!("{} demo contacts added", a.count),
    ))
}
