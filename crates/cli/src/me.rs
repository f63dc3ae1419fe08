//! `vernetzt me …`: which contact is you, and your card as vCard or QR code.

use crate::output::{Outcome, Output};
use crate::shared;
use clap::Subcommand;
use std::path::PathBuf;
use vernetzt_core::Store;

/// `vernetzt me …`.
#[derive(Subcommand)]
pub enum MeCmd {
    /// Choose which contact is you.
    Set { id: i64 },
    /// Print your card as vCard 4.0, or write its QR code as SVG (--qr FILE) or PNG (--png FILE).
    Card {
        /// Write the QR code (SVG) here.
        #[arg(long, value_name = "FILE")]
        qr: Option<PathBuf>,
        /// Write the QR code as a PNG picture here.
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
    },
}

/// Runs `vernetzt me …`.
pub fn run(store: &mut Store, cmd: MeCmd) -> Outcome {
    match cmd {
        MeCmd::Set { id } => {
            store.set_me(Some(id))?;
            Ok(Output::done("me", id, format_args!("you are #{id}")))
        }
        MeCmd::Card { qr, png } => {
            let (text, svg) = vernetzt_core::card::own_card(store)?;
            if let Some(p) = png {
                shared::write_file(&p, vernetzt_core::qr::qr_png(&text)?)?;
                return Ok(Output::nothing());
            }
            if let Some(p) = qr {
                shared::write_file(&p, svg)?;
                return Ok(Output::nothing());
            }
            Ok(Output::new(&serde_json::json!({ "vcard": text }), text))
        }
    }
}
