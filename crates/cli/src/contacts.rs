//! `vernetzt contacts …`: add, list, search, edit, import and export contacts, find and merge
//! duplicates, a contact's timeline, and the recently deleted ones (restore, erase, purge).
//! Parsing and printing only; the work is in the store, `vernetzt_core::exchange` and
//! `vernetzt_core::retention`.

use crate::output::{Outcome, Output, lines};
use crate::{Failure, shared};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use vernetzt_core::model::{
    Contact, ContactInput, Labeled, OrganizationInput, PhotoChange, split_name,
};
use vernetzt_core::store::{DeletedContact, DeletedReason};
use vernetzt_core::{Store, retention};

/// The fields of a contact as options, shared by `add` and `edit`.
#[derive(Args, Default)]
pub struct ContactFields {
    /// Full display name, e.g. "Dr. Jördis Müller" (split into title, given and family name
    /// unless those are given).
    #[arg(long)]
    name: Option<String>,
    /// Given name.
    #[arg(long)]
    given: Option<String>,
    /// Family name.
    #[arg(long)]
    family: Option<String>,
    /// Academic title.
    #[arg(long)]
    title: Option<String>,
    /// E-mail address (repeatable).
    #[arg(long = "email")]
    emails: Vec<String>,
    /// Phone number (repeatable).
    #[arg(long = "phone")]
    phones: Vec<String>,
    /// Organisation by name or abbreviation; created (level "other") when not in the directory.
    #[arg(long)]
    org: Option<String>,
    /// Role or function.
    #[arg(long)]
    role: Option<String>,
    /// Tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// OZG Themenfeld key, e.g. familie-kind (repeatable).
    #[arg(long = "themenfeld")]
    themenfelder: Vec<String>,
    /// Website.
    #[arg(long)]
    website: Option<String>,
    /// A note (on add: the first note; on edit: one more note).
    #[arg(long, conflicts_with = "note_file")]
    note: Option<String>,
    /// Read the note from a UTF-8 text file instead (for long notes).
    #[arg(long, value_name = "FILE")]
    note_file: Option<PathBuf>,
}

impl ContactFields {
    /// The note text from `--note` or `--note-file`.
    fn note_text(&self) -> Result<Option<String>, Failure> {
        match (&self.note, &self.note_file) {
            (Some(n), _) => Ok(Some(n.clone())),
            (None, Some(path)) => {
                let bytes = shared::read_file(path).map_err(Failure::Usage)?;
                String::from_utf8(bytes).map(Some).map_err(|e| {
                    Failure::Usage(format!(
                        "{} is not UTF-8 text (byte {})",
                        path.display(),
                        e.utf8_error().valid_up_to()
                    ))
                })
            }
            (None, None) => Ok(None),
        }
    }
}

/// `vernetzt contacts …`.
#[derive(Subcommand)]
pub enum ContactsCmd {
    /// Add a contact.
    Add(ContactFields),
    /// List contacts in name order.
    List {
        /// At most this many.
        #[arg(long)]
        limit: Option<i64>,
    },
    /// Show one contact.
    Show { id: i64 },
    /// Search by name, organisation, role, e-mail, tags and notes (Müller = Mueller = muller).
    Search {
        query: String,
        /// At most this many results.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Change a contact: given fields replace the stored ones (lists replace the whole list).
    Edit {
        id: i64,
        #[command(flatten)]
        fields: ContactFields,
        /// Remove the organisation.
        #[arg(long, conflicts_with = "org")]
        no_org: bool,
    },
    /// Delete a contact (it can be restored until it is erased for good, see `purge`).
    Delete { id: i64 },
    /// Contacts deleted or merged away and not yet erased, most recent first, with when and why.
    Deleted,
    /// Restore a deleted contact; a merged-away one by undoing its merge.
    Restore { id: i64 },
    /// Erase a deleted contact for good, with its notes, attendance, encounters, follow-ups and
    /// its card on the sync server.
    Erase { id: i64 },
    /// Erase for good every contact deleted more than DAYS days ago (default: the period set
    /// with `keep-deleted`, 30 days unless changed). This also runs whenever the app or the
    /// CLI opens the database.
    Purge {
        /// Days (1 to 3650).
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
    },
    /// How many days deleted contacts are kept before they are erased for good; with DAYS
    /// (1 to 3650), set it.
    KeepDeleted { days: Option<u32> },
    /// Import a vCard or CSV file (detected from the content); with --event, everyone in it is
    /// recorded as an attendee.
    Import {
        file: PathBuf,
        /// Record every imported person as attendee of this event (UID).
        #[arg(long = "event", value_name = "UID")]
        event: Option<String>,
        /// For a recurring event: the occurrence's start.
        #[arg(long, requires = "event")]
        occurrence: Option<String>,
    },
    /// Export all contacts (to stdout, or --out FILE).
    Export {
        /// vcard4 (default), vcard3 or csv.
        #[arg(long, default_value = "vcard4")]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Groups of contacts that look like the same person (same e-mail, folded name or phone).
    Duplicates,
    /// Merge the second contact into the first; everything of both is kept.
    Merge { keep: i64, other: i64 },
    /// Undo a merge (its id is printed by `merge`).
    Unmerge { merge: i64 },
    /// A contact's timeline: events, encounters, notes, follow-ups.
    Timeline { id: i64 },
}

/// A contact as `contacts show` prints it: the name, then one indented line a field.
fn contact_text(c: &Contact) -> String {
    let mut out = vec![format!("{} (#{})", c.name, c.id)];
    let fields = [("Organisation", &c.organization), ("Rolle", &c.role)];
    out.extend(
        fields
            .iter()
            .filter_map(|(label, v)| v.as_ref().map(|v| format!("  {label}: {v}"))),
    );
    out.extend(c.emails.iter().map(|e| format!("  E-Mail: {e}")));
    out.extend(c.phones.iter().map(|p| format!("  Telefon: {p}")));
    if !c.tags.is_empty() {
        out.push(format!("  Tags: {}", c.tags.join(", ")));
    }
    out.extend(
        c.notes
            .iter()
            .map(|n| format!("  Notiz ({}): {}", n.created_at, n.body)),
    );
    lines(out)
}

/// The organisation named on the command line: the one match in the directory, or a new one.
pub(crate) fn resolve_org(store: &mut Store, name: &str) -> Result<i64, Failure> {
    let found = store.find_orgs(name)?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => {
            let org = store.create_org(&OrganizationInput {
                name: name.into(),
                ..Default::default()
            })?;
            eprintln!(
                "vernetzt: organisation '{}' was not in the directory; added (level other)",
                org.name
            );
            Ok(org.id)
        }
        many => Err(Failure::Usage(format!(
            "'{name}' matches several organisations: {}; use the exact name",
            many.iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ))),
    }
}

/// Applies the given command-line fields onto `input`; lists replace lists.
fn apply(store: &mut Store, f: &ContactFields, input: &mut ContactInput) -> Result<(), Failure> {
    if let Some(name) = &f.name {
        input.display_name = Some(name.clone());
        if f.given.is_none() && f.family.is_none() && f.title.is_none() {
            let (t, g, fam) = split_name(name);
            (input.title, input.given_name, input.family_name) = (t, g, fam);
        }
    }
    let set = |dst: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            dst.clone_from(v);
        }
    };
    set(&mut input.given_name, &f.given);
    set(&mut input.family_name, &f.family);
    set(&mut input.title, &f.title);
    set(&mut input.role, &f.role);
    set(&mut input.website, &f.website);
    let labeled = |v: &[String]| {
        v.iter()
            .map(|s| Labeled {
                value: s.clone(),
                label: None,
            })
            .collect()
    };
    if !f.emails.is_empty() {
        input.emails = labeled(&f.emails);
    }
    if !f.phones.is_empty() {
        input.phones = labeled(&f.phones);
    }
    if !f.tags.is_empty() {
        input.tags.clone_from(&f.tags);
    }
    if !f.themenfelder.is_empty() {
        input.themenfelder.clone_from(&f.themenfelder);
    }
    if let Some(org) = &f.org {
        input.organization_id = Some(resolve_org(store, org)?);
    }
    Ok(())
}

/// A list line: id, name, organisation.
fn row(id: i64, name: &str, organization: &Option<String>) -> String {
    format!("{id:>6}  {name}  {}", organization.as_deref().unwrap_or(""))
}

/// A line of `contacts deleted`: id, name, when, and why (deleted, or merged into whom).
fn deleted_row(d: &DeletedContact) -> String {
    let why = match (d.reason, &d.merged_into_name, d.merged_into) {
        (DeletedReason::Merged, Some(name), Some(id)) => format!("merged into {name} (#{id})"),
        (reason, ..) => reason.to_string(),
    };
    format!("{:>6}  {}  {}  {why}", d.id, d.name, d.deleted_at)
}

/// Erases for good what was deleted longer ago than the period the user set, before a command
/// runs (the CLI has no daemon; see docs/decisions.md). A failure is reported and the command
/// still runs: the tombstones wait for the next start.
pub fn purge_at_open(store: &mut Store) {
    match retention::purge_due(store, chrono::Utc::now()) {
        Ok(erased) if !erased.is_empty() => eprintln!(
            "vernetzt: erased for good: {} contact(s) deleted more than {} days ago",
            erased.len(),
            store.deleted_keep_days().unwrap_or_default()
        ),
        Ok(_) => {}
        Err(e) => eprintln!("vernetzt: deleted contacts could not be erased yet: {e}"),
    }
}

/// Runs `vernetzt contacts …`.
pub fn run(store: &mut Store, cmd: ContactsCmd) -> Outcome {
    Ok(match cmd {
        ContactsCmd::Add(f) => {
            if f.name.is_none() && f.given.is_none() && f.family.is_none() {
                return Err(Failure::Usage(
                    "contacts add needs --name (or --given/--family)".into(),
                ));
            }
            let mut input = ContactInput::default();
            apply(store, &f, &mut input)?;
            let c = store.create_contact(&input, f.note_text()?.as_deref())?;
            Output::line(&c, format_args!("added {} (#{})", c.name, c.id))
        }
        ContactsCmd::List { limit } => {
            let mut ids = store.contact_ids()?;
            if let Some(l) = limit {
                ids.truncate(l.max(0) as usize);
            }
            let all = ids
                .into_iter()
                .map(|id| store.contact(id))
                .collect::<Result<Vec<_>, _>>()?;
            Output::list(&all, |c| row(c.id, &c.name, &c.organization))
        }
        ContactsCmd::Show { id } => {
            let c = store.contact(id)?;
            Output::new(&c, contact_text(&c))
        }
        ContactsCmd::Search { query, limit } => {
            let hits = store.search(&query, limit)?;
            let full = hits
                .iter()
                .map(|h| store.contact(h.id))
                .collect::<Result<Vec<_>, _>>()?;
            let text = hits.iter().map(|h| row(h.id, &h.name, &h.organization));
            Output::new(&full, lines(text))
        }
        ContactsCmd::Edit { id, fields, no_org } => {
            let current = store.contact(id)?;
            let mut input = ContactInput::from_contact(&current);
            input.photo = PhotoChange::Keep;
            apply(store, &fields, &mut input)?;
            if no_org {
                input.organization_id = None;
            }
            store.update_contact(id, &input)?;
            if let Some(n) = fields.note_text()? {
                store.add_note(id, &n)?;
            }
            let c = store.contact(id)?;
            Output::line(&c, format_args!("updated {} (#{})", c.name, c.id))
        }
        ContactsCmd::Delete { id } => {
            store.delete_contact(id)?;
            Output::done("deleted", id, format_args!("deleted #{id}"))
        }
        ContactsCmd::Deleted => {
            let list = store.deleted_contacts()?;
            Output::list(&list, deleted_row)
        }
        ContactsCmd::Restore { id } => {
            let c = store.restore_deleted_contact(id)?;
            Output::line(&c, format_args!("restored {} (#{})", c.name, c.id))
        }
        ContactsCmd::Erase { id } => {
            retention::erase_deleted(store, id)?;
            Output::done("erased", id, format_args!("erased #{id} for good"))
        }
        ContactsCmd::Purge { older_than } => {
            let days = match older_than {
                Some(d) => d,
                None => store.deleted_keep_days()?,
            };
            let erased = retention::purge(store, days, chrono::Utc::now())?;
            Output::done(
                "erased",
                &erased,
                format_args!(
                    "erased {} contacts deleted more than {days} days ago",
                    erased.len()
                ),
            )
        }
        ContactsCmd::KeepDeleted { days } => {
            if let Some(d) = days {
                store.set_deleted_keep_days(d)?;
            }
            let d = store.deleted_keep_days()?;
            Output::done(
                "keep_days",
                d,
                format_args!("deleted contacts are erased for good after {d} days"),
            )
        }
        ContactsCmd::Import {
            file,
            event,
            occurrence,
        } => {
            let bytes = shared::read_file(&file).map_err(Failure::Usage)?;
            let ev = event
                .as_deref()
                .map(|uid| store.event_ref(uid, occurrence.as_deref()))
                .transpose()?;
            let report = vernetzt_core::exchange::import(store, &bytes, None, ev.as_ref())?;
            let mut out = Output::line(
                &report,
                format_args!(
                    "{}: {} imported, {} updated, {} skipped, {} new organisations, {} possible duplicate groups",
                    report.format,
                    report.imported,
                    report.updated,
                    report.skipped.len(),
                    report.organizations_created,
                    report.duplicates.len()
                ),
            );
            for s in &report.skipped {
                out = out.note(format_args!("  line {}: skipped: {}", s.line, s.reason));
            }
            for w in &report.warnings {
                out = out.note(format_args!("  {w}"));
            }
            out
        }
        ContactsCmd::Export { format, out } => {
            use vernetzt_core::exchange::ExportFormat;
            let parse = |f: &str| match f {
                "vcard4" | "vcard" => Some(ExportFormat::Vcard4),
                "vcard3" => Some(ExportFormat::Vcard3),
                "csv" => Some(ExportFormat::Csv),
                _ => None,
            };
            let f = shared::choice(&format, parse, "format", "vcard4, vcard3 or csv")?;
            let text = vernetzt_core::exchange::export(store, f)?;
            shared::to_file_or_stdout(out, text)?
        }
        ContactsCmd::Duplicates => {
            let groups = store.duplicate_groups()?;
            let text = groups.iter().map(|g| {
                g.iter()
                    .filter_map(|id| store.contact(*id).ok())
                    .map(|c| format!("{} (#{})", c.name, c.id))
                    .collect::<Vec<_>>()
                    .join("  =  ")
            });
            Output::new(&groups, lines(text))
        }
        ContactsCmd::Merge { keep, other } => {
            let merge = store.merge_contacts(keep, other)?;
            let c = store.contact(keep)?;
            Output::line(
                &serde_json::json!({ "merge": merge, "contact": c }),
                format_args!(
                    "merged #{other} into {} (#{keep}); undo with: vernetzt contacts unmerge {merge}",
                    c.name
                ),
            )
        }
        ContactsCmd::Unmerge { merge } => {
            store.undo_merge(merge)?;
            Output::done("undone", merge, format_args!("merge {merge} undone"))
        }
        ContactsCmd::Timeline { id } => {
            let items = store.timeline(id)?;
            Output::list(&items, |i| {
                format!(
                    "{}  {}",
                    i.at(),
                    serde_json::to_string(i).unwrap_or_default()
                )
            })
        }
    })
}
