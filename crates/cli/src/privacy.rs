//! `vernetzt privacy …`: the GDPR tools from the command line (Art. 15 export, Art. 17 erase,
//! contacts not met for a long time).

use crate::output::{Outcome, Output};
use crate::shared;
use clap::Subcommand;
use std::path::PathBuf;
use vernetzt_core::Store;

/// `vernetzt privacy …`.
#[derive(Subcommand)]
pub enum PrivacyCmd {
    /// Everything stored about one person (GDPR Art. 15) as JSON, and the card as vCard beside it.
    Export {
        id: i64,
        /// The JSON file; the vCard goes to the same name with `.vcf`.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Erase people completely (GDPR Art. 17), also from the sync server on the next sync.
    Erase {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Contacts not met for N months (default 24), oldest first, to review and erase.
    Stale {
        #[arg(long, default_value_t = 24)]
        months: u32,
    },
}

/// Runs `vernetzt privacy …`.
pub fn run(store: &mut Store, cmd: PrivacyCmd) -> Outcome {
    Ok(match cmd {
        PrivacyCmd::Export { id, out } => {
            let export = store.export_person(id)?;
            let text = serde_json::to_string_pretty(&export).expect("serialisable");
            shared::write_file(&out, text)?;
            let vcf = out.with_extension("vcf");
            shared::write_file(&vcf, &export.vcard)?;
            Output::line(
                &serde_json::json!({ "json": out, "vcard": vcf }),
                format_args!("wrote {} and {}", out.display(), vcf.display()),
            )
        }
        PrivacyCmd::Erase { ids } => {
            vernetzt_core::export::erase_people(store, &ids)?;
            let n = ids.len();
            Output::done(
                "erased",
                ids,
                format_args!("erased {n} (the sync removes them from the server too)"),
            )
        }
        PrivacyCmd::Stale { months } => {
            Output::list(&store.stale_contacts(months, chrono::Utc::now())?, |c| {
                format!(
                    "#{} {} — last met {}",
                    c.id,
                    c.name,
                    c.last_met.as_deref().unwrap_or("never")
                )
            })
        }
    })
}
