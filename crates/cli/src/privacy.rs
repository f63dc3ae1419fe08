//! `vernetzt privacy …`: the GDPR tools from the command line (Art. 15 export, Art. 17 erase,
//! contacts not met for a long time).

use super::{Failure, Out, print_json};
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
pub fn run(store: &mut Store, cmd: PrivacyCmd, json: bool) -> Out {
    match cmd {
        PrivacyCmd::Export { id, out } => {
            let export = store.export_person(id)?;
            let text = serde_json::to_string_pretty(&export).expect("serialisable");
            let write = |p: &std::path::Path, bytes: &[u8]| {
                std::fs::write(p, bytes)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", p.display())))
            };
            write(&out, text.as_bytes())?;
            let vcf = out.with_extension("vcf");
            write(&vcf, export.vcard.as_bytes())?;
            if json {
                print_json(&serde_json::json!({ "json": out, "vcard": vcf }));
            } else {
                println!("wrote {} and {}", out.display(), vcf.display());
            }
            Ok(())
        }
        PrivacyCmd::Erase { ids } => {
            for id in &ids {
                store.erase_person(*id)?;
            }
            if json {
                print_json(&serde_json::json!({ "erased": ids }));
            } else {
                println!(
                    "erased {} (the sync removes them from the server too)",
                    ids.len()
                );
            }
            Ok(())
        }
        PrivacyCmd::Stale { months } => {
            let list = store.stale_contacts(months, chrono::Utc::now())?;
            if json {
                print_json(&list);
            } else {
                for c in &list {
                    println!(
                        "#{} {} — last met {}",
                        c.id,
                        c.name,
                        c.last_met.as_deref().unwrap_or("never")
                    );
                }
            }
            Ok(())
        }
    }
}
