//! `vernetzt`: the headless command line over Vernetzt's core, for scripting and for tests.
//!
//! It opens the same database as the desktop app (or `--db PATH`), so both can be used at once.
//! `--json` prints machine-readable output; errors go to stderr with a non-zero exit code.
//!
//! This file only parses the command line, opens the store and hands each subcommand group to
//! its own module; each module parses its arguments, calls core or net, and returns an
//! [`output::Output`] that [`output::Output::print`] prints as text or JSON.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use vernetzt_core::{Error, Store, paths};

mod account;
mod attendance;
mod conflicts;
mod contacts;
mod db;
mod demo;
mod events;
mod feed;
mod followup;
mod invite;
mod me;
mod orgs;
mod output;
mod privacy;
mod roles;
mod series;
mod shared;
mod sync;

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
    /// Read the database passphrase (for a machine without a keyring) from the first line of
    /// stdin instead of VERNETZT_DB_PASSPHRASE, so it sits in no environment.
    #[arg(long, global = true)]
    passphrase_stdin: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage contacts.
    #[command(subcommand)]
    Contacts(contacts::ContactsCmd),
    /// The organisation directory.
    #[command(subcommand)]
    Orgs(orgs::OrgsCmd),
    /// Event calendar feeds (iCalendar over https or webcal).
    #[command(subcommand)]
    Feed(feed::FeedCmd),
    /// Events from the feeds.
    #[command(subcommand)]
    Events(events::EventsCmd),
    /// Who attended which event.
    #[command(subcommand)]
    Attendance(attendance::AttendanceCmd),
    /// Event series (every OZG-Erfahrungsaustausch): suggestions, confirmation, who attended which.
    #[command(subcommand)]
    Series(series::SeriesCmd),
    /// Roles over time: a contact's posts, changes of post, who holds a post now or at a date.
    #[command(subcommand)]
    Roles(roles::RolesCmd),
    /// Follow-ups (Wiedervorlage).
    #[command(subcommand)]
    Followup(followup::FollowupCmd),
    /// Your own business card: which contact you are, and the card as vCard or QR code.
    #[command(subcommand)]
    Me(me::MeCmd),
    /// The sync account (your CardDAV server).
    #[command(subcommand)]
    Account(account::AccountCmd),
    /// Sync contacts with your CardDAV server now, or show the sync status.
    Sync(sync::SyncArgs),
    /// Fields changed differently here and on the server.
    #[command(subcommand)]
    Conflicts(conflicts::ConflictsCmd),
    /// GDPR tools: export everything about a person, erase a person, contacts not met for long.
    #[command(subcommand)]
    Privacy(privacy::PrivacyCmd),
    /// Invitations to events you organise: invitees, export, sending, replies (RSVP).
    Invite(invite::InviteArgs),
    /// The database file: encryption and integrity.
    #[command(subcommand)]
    Db(db::DbCmd),
    /// Fill the database with demo data (the showcase, or `--count N` contacts only).
    Demo(demo::DemoArgs),
}

/// A CLI failure: a core error, a usage problem found after parsing, or another failure
/// (network, keyring) already put in words. The kind decides the exit code.
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

/// Opens the encrypted store with the key from `passphrase`, the keyring or
/// `VERNETZT_DB_PASSPHRASE`; says so on stderr when a new key was made, since that is the moment
/// to keep a recovery key.
fn open(path: &std::path::Path, passphrase: Option<String>) -> Result<Store, Failure> {
    let (store, opened) = vernetzt_net::dbkey::open_store(path, passphrase, &shared::secrets())?;
    if opened.key_created {
        eprintln!(
            "vernetzt: a new database was made; its key is in your keyring. If the keyring is \
             ever reset, only a recovery key opens it again: `vernetzt db recovery-key --out FILE`."
        );
    }
    Ok(store)
}

/// Hands the command to its group's module and prints what it returns.
fn run(cli: Cli) -> Result<(), Failure> {
    let path = db_path(cli.db)?;
    let passphrase = match cli.passphrase_stdin {
        true => Some(shared::stdin_line("the passphrase")?),
        false => None,
    };
    let json = cli.json;
    // `db …` opens the file itself: `db recover` is for when the ordinary open cannot.
    let command = match cli.command {
        Command::Db(c) => return db::run(&path, c, passphrase)?.print(json),
        c => c,
    };
    let mut store = open(&path, passphrase)?;
    // `db` commands (handled above) inspect and re-key the file and write nothing else; all
    // others purge the contacts deleted longer ago than the user keeps them.
    contacts::purge_at_open(&mut store);
    let output = match command {
        Command::Contacts(c) => contacts::run(&mut store, c),
        Command::Orgs(c) => orgs::run(&mut store, c),
        Command::Feed(c) => feed::run(store, c),
        Command::Events(c) => events::run(&mut store, c),
        Command::Attendance(c) => attendance::run(&mut store, c),
        Command::Series(c) => series::run(&mut store, c),
        Command::Followup(c) => followup::run(&mut store, c),
        Command::Roles(c) => roles::run(&mut store, c),
        Command::Me(c) => me::run(&mut store, c),
        Command::Account(c) => account::run(store, c),
        Command::Sync(a) => sync::run(store, a, !json),
        Command::Conflicts(c) => conflicts::run(&mut store, c),
        Command::Privacy(c) => privacy::run(&mut store, c),
        Command::Invite(a) => invite::run(store, a, !json),
        Command::Db(_) => unreachable!("handled above"),
        Command::Demo(a) => demo::run(&mut store, a),
    }?;
    output.print(json)
}
