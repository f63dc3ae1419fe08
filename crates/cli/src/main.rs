//! `vernetzt`: the headless command line over Vernetzt's core, for scripting and for tests.
//!
//! It opens the same database as the desktop app (or `--db PATH`), so both can be used at once.
//! `--json` prints machine-readable output; errors go to stderr with a non-zero exit code.

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use vernetzt_core::model::{
    AttendanceStatus, Contact, ContactInput, FeedAuth, Labeled, Level, Organization,
    OrganizationInput, PhotoChange, split_name,
};
use vernetzt_core::{Error, Store, paths};

mod account;
mod invite;
mod privacy;

#[derive(Parser)]
#[command(
    name = "vernetzt",
    version,
    about = "Vernetzt: contacts and events of the OZG community, offline"
)]
struct Cli {
    /// Database file (default: the app's database in your data directory, or $VERNETZT_DB).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage contacts.
    #[command(subcommand)]
    Contacts(ContactsCmd),
    /// The organisation directory.
    #[command(subcommand)]
    Orgs(OrgsCmd),
    /// Event calendar feeds (iCalendar over https or webcal).
    #[command(subcommand)]
    Feed(FeedCmd),
    /// Events from the feeds.
    #[command(subcommand)]
    Events(EventsCmd),
    /// Who attended which event.
    #[command(subcommand)]
    Attendance(AttendanceCmd),
    /// Event series (every OZG-Erfahrungsaustausch): suggestions, confirmation, who attended which.
    #[command(subcommand)]
    Series(SeriesCmd),
    /// Follow-ups (Wiedervorlage).
    #[command(subcommand)]
    Followup(FollowupCmd),
    /// Your own business card: which contact you are, and the card as vCard or QR code.
    #[command(subcommand)]
    Me(MeCmd),
    /// The sync account (your CardDAV server).
    #[command(subcommand)]
    Account(account::AccountCmd),
    /// Sync contacts with your CardDAV server now, or show the sync status.
    Sync(account::SyncArgs),
    /// Fields changed differently here and on the server.
    #[command(subcommand)]
    Conflicts(account::ConflictsCmd),
    /// GDPR tools: export everything about a person, erase a person, contacts not met for long.
    #[command(subcommand)]
    Privacy(privacy::PrivacyCmd),
    /// Invitations to events you organise: invitees, export, sending, replies (RSVP).
    Invite(invite::InviteArgs),
    /// The database file: encryption and integrity.
    #[command(subcommand)]
    Db(DbCmd),
    /// Fill the database with generated demo contacts.
    Demo {
        /// How many contacts.
        #[arg(long, default_value_t = 200)]
        count: u64,
        /// Seed: the same seed gives the same contacts.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum DbCmd {
    /// Encrypt a plain database from an earlier version (done on first open anyway; this says
    /// what happened).
    Encrypt,
    /// Integrity and encryption status.
    Check,
}

#[derive(Args, Default)]
struct ContactFields {
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
                let bytes = std::fs::read(path)
                    .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
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

#[derive(Subcommand)]
enum ContactsCmd {
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
    /// Delete a contact (it can be restored).
    Delete { id: i64 },
    /// Restore a deleted contact.
    Restore { id: i64 },
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

#[derive(Subcommand)]
enum FeedCmd {
    /// Subscribe to a feed. With --user or --token the password or token is read from the first
    /// line of standard input and kept in the OS keyring.
    Add {
        /// https://… or webcal://… (plain http only to 127.0.0.1 / localhost).
        url: String,
        /// Display name (default: the server's name).
        #[arg(long)]
        name: Option<String>,
        /// User name for HTTP Basic authentication.
        #[arg(long, conflicts_with = "token")]
        user: Option<String>,
        /// Authenticate with a bearer token.
        #[arg(long)]
        token: bool,
        /// Sync every this many minutes (default 30).
        #[arg(long, value_name = "MINUTES")]
        every: Option<i64>,
    },
    /// List the feeds with their last sync and last error.
    List,
    /// Sync all feeds now, or one.
    Sync {
        /// Only this feed.
        id: Option<i64>,
    },
    /// Import a local .ics file as a feed of its own (again: update it).
    Import {
        file: PathBuf,
        /// Display name (default: the file name).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Args)]
struct EventArg {
    /// The event's UID (as `events list` shows it).
    #[arg(long = "event", value_name = "UID")]
    uid: String,
    /// For a recurring event: the occurrence's start, as `events list` shows it.
    #[arg(long)]
    occurrence: Option<String>,
}

#[derive(Subcommand)]
enum AttendanceCmd {
    /// Record your own status, or that a contact attended.
    Mark {
        #[command(flatten)]
        event: EventArg,
        /// Your own status: interested, registered or attended.
        #[arg(long, conflicts_with = "contact", value_name = "STATUS")]
        me: Option<String>,
        /// A contact who attended (with --status for another status).
        #[arg(long, value_name = "ID")]
        contact: Option<i64>,
        /// The contact's status (default attended).
        #[arg(long, requires = "contact")]
        status: Option<String>,
    },
    /// The contacts at an event.
    List {
        #[command(flatten)]
        event: EventArg,
    },
    /// Record where you met a contact ("met at").
    Met {
        #[command(flatten)]
        event: EventArg,
        /// The contact.
        #[arg(long, value_name = "ID")]
        contact: i64,
        /// Session or workshop.
        #[arg(long)]
        session: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
    },
}

#[derive(Subcommand)]
enum MeCmd {
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

#[derive(Subcommand)]
enum SeriesCmd {
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

#[derive(Subcommand)]
enum FollowupCmd {
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

#[derive(Args)]
struct OwnEventArgs {
    /// Title.
    #[arg(long)]
    title: Option<String>,
    /// Start: local YYYY-MM-DDTHH:MM in --tz, or YYYY-MM-DD for all day.
    #[arg(long)]
    start: Option<String>,
    /// End (exclusive for dates), same form.
    #[arg(long)]
    end: Option<String>,
    /// IANA time zone (default Europe/Berlin).
    #[arg(long)]
    tz: Option<String>,
    /// Place.
    #[arg(long)]
    location: Option<String>,
    /// Description.
    #[arg(long)]
    description: Option<String>,
    /// Link (online meeting).
    #[arg(long)]
    url: Option<String>,
}

#[derive(Subcommand)]
enum EventsCmd {
    /// Create an event you organise; prints it with its UID.
    Create(OwnEventArgs),
    /// Change an event you organise (a new time or place raises its SEQUENCE).
    Update {
        uid: String,
        #[command(flatten)]
        fields: OwnEventArgs,
    },
    /// Occurrences in a window, in start order.
    List {
        /// From this date (YYYY-MM-DD, in your time zone) or RFC 3339 time; default today.
        #[arg(long)]
        from: Option<String>,
        /// Until this date (exclusive) or time; default a year after --from.
        #[arg(long)]
        to: Option<String>,
        /// Only this feed.
        #[arg(long)]
        feed: Option<i64>,
    },
}

#[derive(Subcommand)]
enum OrgsCmd {
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

/// A CLI failure: a core error, a usage problem found after parsing, or another failure
/// (network, keyring) already put in words.
enum Failure {
    Core(Error),
    Usage(String),
    Other(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

type Out = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Core(e)) => {
            eprintln!("vernetzt: {e}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(m)) => {
            eprintln!("vernetzt: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Other(m)) => {
            eprintln!("vernetzt: {m}");
            ExitCode::from(1)
        }
    }
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf, Failure> {
    Ok(match db {
        Some(p) => p,
        None => {
            let p = paths::default_db_path()
                .ok_or_else(|| Failure::Usage("no home directory: pass --db PATH".into()))?;
            if let Some(dir) = p.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::Usage(format!("cannot create {}: {e}", dir.display())))?;
            }
            p
        }
    })
}

/// Opens the encrypted store with the key from the keyring or `VERNETZT_DB_PASSPHRASE`.
fn open(db: Option<PathBuf>) -> Result<(Store, vernetzt_net::dbkey::Opened), Failure> {
    let path = db_path(db)?;
    let secrets = vernetzt_net::Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE);
    Ok(vernetzt_net::dbkey::open_store(&path, None, &secrets)?)
}

fn run(cli: Cli) -> Out {
    let (mut store, opened) = open(cli.db)?;
    let json = cli.json;
    match cli.command {
        Command::Contacts(c) => contacts(&mut store, c, json),
        Command::Orgs(c) => orgs(&mut store, c, json),
        Command::Feed(c) => feeds(store, c, json),
        Command::Attendance(c) => attendance(&mut store, c, json),
        Command::Followup(c) => followups(&mut store, c, json),
        Command::Series(c) => series(&mut store, c, json),
        Command::Me(MeCmd::Set { id }) => {
            store.set_me(Some(id))?;
            if json {
                print_json(&serde_json::json!({ "me": id }))
            } else {
                println!("you are #{id}")
            }
            Ok(())
        }
        Command::Me(MeCmd::Card { qr, png }) => {
            let (text, svg) = vernetzt_core::card::own_card(&store)?;
            if let Some(p) = png {
                let bytes = vernetzt_core::qr::qr_png(&text)?;
                std::fs::write(&p, bytes)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", p.display())))?;
                return Ok(());
            }
            match qr {
                Some(p) => std::fs::write(&p, svg)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", p.display())))?,
                None if json => print_json(&serde_json::json!({ "vcard": text })),
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Events(c) => events(&mut store, c, json),
        Command::Invite(a) => invite::run(store, a, json),
        Command::Account(c) => account::account(store, c, json),
        Command::Sync(a) => account::sync(store, a, json),
        Command::Conflicts(c) => account::conflicts(&mut store, c, json),
        Command::Privacy(c) => privacy::run(&mut store, c, json),
        Command::Db(c) => {
            store.integrity_check()?;
            let report = serde_json::json!({
                "path": store.path(),
                "encrypted": store.is_encrypted()?,
                "key_source": opened.key_source,
                "migrated_now": opened.migrated,
                "integrity": "ok",
                "schema_version": vernetzt_core::store::schema_version(),
            });
            if json {
                print_json(&report);
            } else {
                match c {
                    DbCmd::Encrypt if opened.migrated => {
                        println!("encrypted {}", store.path().display())
                    }
                    DbCmd::Encrypt => println!("{} is encrypted", store.path().display()),
                    DbCmd::Check => println!(
                        "{}: encrypted ({}), integrity ok",
                        store.path().display(),
                        opened.key_source
                    ),
                }
            }
            Ok(())
        }
        Command::Demo { count, seed } => {
            vernetzt_core::demo::populate(&mut store, count, seed)?;
            if json {
                print_json(&serde_json::json!({ "added": count }));
            } else {
                println!("{count} demo contacts added");
            }
            Ok(())
        }
    }
}

fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serialisable"));
}

fn print_contact(c: &Contact) {
    println!("{} (#{})", c.name, c.id);
    let line = |label: &str, v: &Option<String>| {
        if let Some(v) = v {
            println!("  {label}: {v}");
        }
    };
    line("Organisation", &c.organization);
    line("Rolle", &c.role);
    for e in &c.emails {
        println!("  E-Mail: {e}");
    }
    for p in &c.phones {
        println!("  Telefon: {p}");
    }
    if !c.tags.is_empty() {
        println!("  Tags: {}", c.tags.join(", "));
    }
    for n in &c.notes {
        println!("  Notiz ({}): {}", n.created_at, n.body);
    }
}

fn resolve_org(store: &mut Store, name: &str) -> Result<i64, Failure> {
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

fn contacts(store: &mut Store, cmd: ContactsCmd, json: bool) -> Out {
    match cmd {
        ContactsCmd::Add(f) => {
            if f.name.is_none() && f.given.is_none() && f.family.is_none() {
                return Err(Failure::Usage(
                    "contacts add needs --name (or --given/--family)".into(),
                ));
            }
            let mut input = ContactInput::default();
            apply(store, &f, &mut input)?;
            let c = store.create_contact(&input, f.note_text()?.as_deref())?;
            if json {
                print_json(&c)
            } else {
                println!("added {} (#{})", c.name, c.id)
            }
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
            if json {
                print_json(&all);
            } else {
                for c in &all {
                    println!(
                        "{:>6}  {}  {}",
                        c.id,
                        c.name,
                        c.organization.as_deref().unwrap_or("")
                    );
                }
            }
        }
        ContactsCmd::Show { id } => {
            let c = store.contact(id)?;
            if json {
                print_json(&c)
            } else {
                print_contact(&c)
            }
        }
        ContactsCmd::Search { query, limit } => {
            let hits = store.search(&query, limit)?;
            if json {
                let full = hits
                    .iter()
                    .map(|h| store.contact(h.id))
                    .collect::<Result<Vec<_>, _>>()?;
                print_json(&full);
            } else {
                for h in &hits {
                    println!(
                        "{:>6}  {}  {}",
                        h.id,
                        h.name,
                        h.organization.as_deref().unwrap_or("")
                    );
                }
            }
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
            if json {
                print_json(&c)
            } else {
                println!("updated {} (#{})", c.name, c.id)
            }
        }
        ContactsCmd::Delete { id } => {
            store.delete_contact(id)?;
            if json {
                print_json(&serde_json::json!({"deleted": id}))
            } else {
                println!("deleted #{id}")
            }
        }
        ContactsCmd::Import {
            file,
            event,
            occurrence,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
            let ev = event
                .as_deref()
                .map(|uid| store.event_ref(uid, occurrence.as_deref()))
                .transpose()?;
            let report = vernetzt_core::exchange::import(store, &bytes, None, ev.as_ref())?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "{}: {} imported, {} updated, {} skipped, {} new organisations, {} possible duplicate groups",
                    report.format,
                    report.imported,
                    report.updated,
                    report.skipped.len(),
                    report.organizations_created,
                    report.duplicates.len()
                );
                for s in &report.skipped {
                    eprintln!("  line {}: skipped: {}", s.line, s.reason);
                }
                for w in &report.warnings {
                    eprintln!("  {w}");
                }
            }
        }
        ContactsCmd::Export { format, out } => {
            use vernetzt_core::exchange::ExportFormat;
            let f = match format.as_str() {
                "vcard4" | "vcard" => ExportFormat::Vcard4,
                "vcard3" => ExportFormat::Vcard3,
                "csv" => ExportFormat::Csv,
                other => {
                    return Err(Failure::Usage(format!(
                        "'{other}' is not a format: use vcard4, vcard3 or csv"
                    )));
                }
            };
            let text = vernetzt_core::exchange::export(store, f)?;
            match out {
                Some(path) => std::fs::write(&path, text)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?,
                None => print!("{text}"),
            }
        }
        ContactsCmd::Duplicates => {
            let groups = store.duplicate_groups()?;
            if json {
                print_json(&groups);
            } else {
                for g in &groups {
                    let names: Vec<String> = g
                        .iter()
                        .filter_map(|id| store.contact(*id).ok())
                        .map(|c| format!("{} (#{})", c.name, c.id))
                        .collect();
                    println!("{}", names.join("  =  "));
                }
            }
        }
        ContactsCmd::Merge { keep, other } => {
            let merge = store.merge_contacts(keep, other)?;
            let c = store.contact(keep)?;
            if json {
                print_json(&serde_json::json!({ "merge": merge, "contact": c }));
            } else {
                println!(
                    "merged #{other} into {} (#{keep}); undo with: vernetzt contacts unmerge {merge}",
                    c.name
                );
            }
        }
        ContactsCmd::Unmerge { merge } => {
            store.undo_merge(merge)?;
            if json {
                print_json(&serde_json::json!({ "undone": merge }))
            } else {
                println!("merge {merge} undone")
            }
        }
        ContactsCmd::Timeline { id } => {
            let items = store.timeline(id)?;
            if json {
                print_json(&items);
            } else {
                for i in &items {
                    println!(
                        "{}  {}",
                        i.at(),
                        serde_json::to_string(i).unwrap_or_default()
                    );
                }
            }
        }
        ContactsCmd::Restore { id } => {
            let c = store.restore_contact(id)?;
            if json {
                print_json(&c)
            } else {
                println!("restored {} (#{})", c.name, c.id)
            }
        }
    }
    Ok(())
}

fn parse_level(s: &str) -> Result<Level, Failure> {
    Level::parse(s).ok_or_else(|| {
        Failure::Usage(format!(
            "'{s}' is not a level: use bund, land, kommune or other"
        ))
    })
}

fn orgs(store: &mut Store, cmd: OrgsCmd, json: bool) -> Out {
    let print = |orgs: &[Organization]| {
        if json {
            print_json(&orgs);
        } else {
            for o in orgs {
                println!(
                    "{:>6}  {:<8} {:<6} {}  {}",
                    o.id,
                    o.level.as_str(),
                    o.key.as_deref().unwrap_or(""),
                    o.name,
                    o.land.as_deref().unwrap_or("")
                );
            }
        }
    };
    match cmd {
        OrgsCmd::List { level, land } => {
            let level = level.as_deref().map(parse_level).transpose()?;
            print(&store.list_orgs(level, land.as_deref())?);
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
            if json {
                print_json(&org)
            } else {
                println!("added {} (#{})", org.name, org.id)
            }
        }
    }
    Ok(())
}

fn parse_when(s: &str, zone: chrono_tz::Tz) -> Result<chrono::DateTime<chrono::Utc>, Failure> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| vernetzt_core::ical::zone::date_start_utc(d, zone))
        .map_err(|_| {
            Failure::Usage(format!(
                "'{s}' is neither a date (YYYY-MM-DD) nor an RFC 3339 time"
            ))
        })
}

fn own_event_input(
    base: vernetzt_core::model::OwnEventInput,
    a: OwnEventArgs,
) -> vernetzt_core::model::OwnEventInput {
    vernetzt_core::model::OwnEventInput {
        title: a.title.unwrap_or(base.title),
        start: a.start.unwrap_or(base.start),
        end: a.end.unwrap_or(base.end),
        tz: a.tz.or(base.tz),
        location: a.location.or(base.location),
        description: a.description.or(base.description),
        url: a.url.or(base.url),
    }
}

fn events(store: &mut Store, cmd: EventsCmd, json: bool) -> Out {
    let (from, to, feed) = match cmd {
        EventsCmd::Create(a) => {
            let ev = store.create_own_event(&own_event_input(Default::default(), a))?;
            let (input, sequence) = store.own_event(&ev.uid)?;
            if json {
                print_json(
                    &serde_json::json!({ "uid": ev.uid, "title": ev.title, "start": ev.start, "sequence": sequence, "event": input }),
                );
            } else {
                println!("created {} ({})", ev.title, ev.uid);
            }
            return Ok(());
        }
        EventsCmd::Update { uid, fields } => {
            let (current, _) = store.own_event(&uid)?;
            let sequence = store.update_own_event(&uid, &own_event_input(current, fields))?;
            let (input, _) = store.own_event(&uid)?;
            if json {
                print_json(
                    &serde_json::json!({ "uid": uid, "sequence": sequence, "event": input }),
                );
            } else {
                println!("updated {uid} (sequence {sequence})");
            }
            return Ok(());
        }
        EventsCmd::List { from, to, feed } => (from, to, feed),
    };
    let zone = vernetzt_net::feed_sync::user_zone(store);
    let from: chrono::DateTime<chrono::Utc> = match from {
        Some(f) => parse_when(&f, zone)?,
        None => vernetzt_core::ical::zone::date_start_utc(
            chrono::Utc::now().with_timezone(&zone).date_naive(),
            zone,
        ),
    };
    let to = match to {
        Some(t) => parse_when(&t, zone)?,
        None => from + chrono::Duration::days(365),
    };
    let list = store.occurrences(from, to, feed, zone)?;
    if json {
        print_json(&list);
    } else {
        for o in &list {
            let mark = match o.status.as_str() {
                "cancelled" => " [abgesagt]",
                "removed" => " [nicht mehr im Kalender]",
                "tentative" => " [vorläufig]",
                _ => "",
            };
            println!(
                "{}  {}{}  {}",
                o.start,
                o.title,
                mark,
                o.location.as_deref().unwrap_or("")
            );
        }
    }
    Ok(())
}

fn print_reports(reports: &[vernetzt_net::feed_sync::SyncReport], json: bool) -> Out {
    if json {
        print_json(&reports);
    } else {
        for r in reports {
            match (&r.counts, &r.error) {
                (Some(c), _) if c.not_modified => println!("{}: not modified (304)", r.name),
                (Some(c), _) => println!(
                    "{}: {} added, {} updated, {} cancelled, {} removed, {} unchanged{}",
                    r.name,
                    c.added,
                    c.updated,
                    c.cancelled,
                    c.removed,
                    c.unchanged,
                    if c.warnings.is_empty() {
                        String::new()
                    } else {
                        format!(", {} warnings", c.warnings.len())
                    }
                ),
                (None, e) => println!(
                    "{}: failed: {}",
                    r.name,
                    e.as_deref().unwrap_or("unknown error")
                ),
            }
            if let Some(c) = &r.counts {
                for w in &c.warnings {
                    eprintln!("  {w}");
                }
            }
        }
    }
    if reports.iter().any(|r| r.error.is_some()) {
        return Err(Failure::Other("some feeds could not be synced".into()));
    }
    Ok(())
}

fn feeds(store: Store, cmd: FeedCmd, json: bool) -> Out {
    use vernetzt_net::{Limits, Secrets, feed_sync};
    let limits = Limits::default();
    let secrets = Secrets::new(feed_sync::SECRETS_SERVICE);
    match cmd {
        FeedCmd::Add {
            url,
            name,
            user,
            token,
            every,
        } => {
            let mut store = store;
            let auth = match (user, token) {
                (Some(user), _) => FeedAuth::Basic { user },
                (None, true) => FeedAuth::Bearer,
                _ => FeedAuth::None,
            };
            let secret = if auth == FeedAuth::None {
                None
            } else {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| {
                    Failure::Other(format!("cannot read the secret from stdin: {e}"))
                })?;
                Some(line.trim_end_matches(['\r', '\n']).to_string())
            };
            let mut feed = feed_sync::add_feed(
                &mut store,
                &secrets,
                &url,
                name.as_deref(),
                auth,
                secret.as_deref(),
            )
            .map_err(|e| match e {
                feed_sync::AddFeedError::Store(core) => Failure::Core(core),
                other => Failure::Other(other.to_string()),
            })?;
            if let Some(minutes) = every {
                store.set_feed_refresh(feed.id, minutes)?;
                feed = store.feed(feed.id)?;
            }
            if json {
                print_json(&feed)
            } else {
                println!("added {} (#{}): {}", feed.name, feed.id, feed.url)
            }
        }
        FeedCmd::List => {
            let list = store.feeds()?;
            if json {
                print_json(&list);
            } else {
                for f in &list {
                    println!(
                        "{:>4}  {}  {}  last sync: {}{}",
                        f.id,
                        f.name,
                        f.url,
                        f.last_success_at.as_deref().unwrap_or("never"),
                        f.last_error
                            .as_deref()
                            .map(|e| format!("  error: {e}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        FeedCmd::Sync { id } => {
            let client =
                vernetzt_net::client(&limits).map_err(|e| Failure::Other(e.to_string()))?;
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Failure::Other(e.to_string()))?;
            let store = std::sync::Mutex::new(store);
            let reports = rt.block_on(async {
                match id {
                    Some(id) => {
                        vec![feed_sync::sync_feed(&store, &client, &secrets, &limits, id).await]
                    }
                    None => {
                        feed_sync::sync_all(
                            &store,
                            &client,
                            &secrets,
                            &limits,
                            false,
                            chrono::Utc::now(),
                        )
                        .await
                    }
                }
            });
            print_reports(&reports, json)?;
        }
        FeedCmd::Import { file, name } => {
            let mut store = store;
            let report = feed_sync::import_file(&mut store, &file, name.as_deref(), &limits)
                .map_err(|e| match e {
                    feed_sync::AddFeedError::Store(core) => Failure::Core(core),
                    other => Failure::Other(other.to_string()),
                })?;
            print_reports(&[report], json)?;
        }
    }
    Ok(())
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, Failure> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Failure::Usage(format!("'{s}' is not a date (YYYY-MM-DD)")))
}

fn parse_status(s: &str) -> Result<AttendanceStatus, Failure> {
    AttendanceStatus::parse(s).ok_or_else(|| {
        Failure::Usage(format!(
            "'{s}' is not a status: use interested, registered or attended"
        ))
    })
}

fn attendance(store: &mut Store, cmd: AttendanceCmd, json: bool) -> Out {
    match cmd {
        AttendanceCmd::Mark {
            event,
            me,
            contact,
            status,
        } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            match (me, contact) {
                (Some(me), None) => store.mark_attendance(&ev, None, parse_status(&me)?)?,
                (None, Some(c)) => {
                    let st = status
                        .as_deref()
                        .map(parse_status)
                        .transpose()?
                        .unwrap_or(AttendanceStatus::Attended);
                    store.mark_attendance(&ev, Some(c), st)?
                }
                _ => {
                    return Err(Failure::Usage(
                        "attendance mark needs --me STATUS or --contact ID".into(),
                    ));
                }
            }
            if json {
                print_json(&serde_json::json!({ "event": ev }))
            } else {
                println!("recorded for {}", ev.title)
            }
        }
        AttendanceCmd::List { event } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            let (mine, rows) = store.attendance(&ev)?;
            if json {
                print_json(&rows);
            } else {
                println!("{} — you: {}", ev.title, mine.as_deref().unwrap_or("-"));
                for r in &rows {
                    println!(
                        "{:>6}  {}  {}  {}",
                        r.contact_id,
                        r.name,
                        r.email.as_deref().unwrap_or(""),
                        r.status
                    );
                }
            }
        }
        AttendanceCmd::Met {
            event,
            contact,
            session,
            note,
        } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            let e = store.add_encounter(contact, Some(&ev), session.as_deref(), note.as_deref())?;
            if json {
                print_json(&e)
            } else {
                println!("met #{contact} at {}", ev.title)
            }
        }
    }
    Ok(())
}

fn followups(store: &mut Store, cmd: FollowupCmd, json: bool) -> Out {
    match cmd {
        FollowupCmd::Add { contact, due, text } => {
            let f = store.add_follow_up(contact, parse_date(&due)?, &text)?;
            if json {
                print_json(&f)
            } else {
                println!("follow-up #{} due {}", f.id, f.due_date)
            }
        }
        FollowupCmd::List { until } => {
            let until = until.as_deref().map(parse_date).transpose()?;
            let list = store.follow_ups(false, until)?;
            if json {
                print_json(&list);
            } else {
                for f in &list {
                    println!("{}  {}  {}", f.due_date, f.contact_name, f.text);
                }
            }
        }
        FollowupCmd::Export { all, out } => {
            let ics = vernetzt_core::ical::write::follow_ups_ics(
                &store.follow_ups(all, None)?,
                chrono::Utc::now(),
            );
            match out {
                Some(p) => std::fs::write(&p, ics)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", p.display())))?,
                None => print!("{ics}"),
            }
        }
        FollowupCmd::Done { id } => {
            store.complete_follow_up(id)?;
            if json {
                print_json(&serde_json::json!({ "done": id }))
            } else {
                println!("follow-up #{id} done")
            }
        }
    }
    Ok(())
}

fn series(store: &mut Store, cmd: SeriesCmd, json: bool) -> Out {
    match cmd {
        SeriesCmd::Suggest => {
            let s = store.series_suggestions()?;
            if json {
                print_json(&s);
            } else {
                for x in &s {
                    println!("{} ({} events)", x.name, x.event_ids.len());
                }
            }
        }
        SeriesCmd::Confirm { name, events } => {
            let ids = events
                .iter()
                .map(|uid| store.event_ref(uid, None).map(|e| e.event_id))
                .collect::<Result<Vec<_>, _>>()?;
            let id = store.confirm_series(&name, &ids)?;
            if json {
                print_json(&serde_json::json!({ "series": id }))
            } else {
                println!("series #{id}: {name}")
            }
        }
        SeriesCmd::List => {
            let list = store.series()?;
            if json {
                print_json(&list);
            } else {
                for s in &list {
                    println!("{:>4}  {} ({} events)", s.id, s.name, s.events.len());
                }
            }
        }
        SeriesCmd::Matrix { id } => {
            let m = store.series_matrix(id)?;
            if json {
                print_json(&m);
            } else {
                println!(
                    "{}",
                    m.series
                        .events
                        .iter()
                        .map(|e| e.title.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
                for r in &m.rows {
                    let cells: Vec<&str> = r
                        .statuses
                        .iter()
                        .map(|s| s.as_deref().unwrap_or("-"))
                        .collect();
                    println!("{}: {}", r.name, cells.join(" | "));
                }
            }
        }
    }
    Ok(())
}
