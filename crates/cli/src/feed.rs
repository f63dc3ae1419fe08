//! `vernetzt feed …`: subscribe to iCalendar feeds, sync them, import a local .ics file. The
//! fetching and its limits are in `vernetzt_net::feed_sync`.

use crate::output::{Outcome, Output, lines};
use crate::{Failure, shared};
use clap::Subcommand;
use std::path::PathBuf;
use vernetzt_core::Store;
use vernetzt_core::model::FeedAuth;
use vernetzt_net::feed_sync::{self, AddFeedError, SyncReport};
use vernetzt_net::{Limits, Secrets};

/// `vernetzt feed …`.
#[derive(Subcommand)]
pub enum FeedCmd {
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
    /// Remove a feed: it is no longer listed or synced, its password or token leaves the
    /// keyring, and its events go, except those you have history with (attendance, encounters,
    /// notes, a series), which stay in timelines and series.
    Remove {
        /// The feed's id, as `feed list` shows it.
        id: i64,
    },
    /// Import a local .ics file as a feed of its own (again: update it).
    Import {
        file: PathBuf,
        /// Display name (default: the file name).
        #[arg(long)]
        name: Option<String>,
    },
}

/// A feed's store error stays a core error (its exit code and wording); the rest is in words.
fn add_failure(e: AddFeedError) -> Failure {
    match e {
        AddFeedError::Store(core) => Failure::Core(core),
        other => Failure::Other(other.to_string()),
    }
}

/// What each feed's sync did, one line a feed; fails after printing when one feed failed.
fn report_output(reports: &[SyncReport]) -> Output {
    let text = reports.iter().map(|r| match (&r.counts, &r.error) {
        (Some(c), _) if c.not_modified => format!("{}: not modified (304)", r.name),
        (Some(c), _) => format!(
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
        (None, e) => format!(
            "{}: failed: {}",
            r.name,
            e.as_deref().unwrap_or("unknown error")
        ),
    });
    let mut out = Output::new(&reports, lines(text));
    for w in reports
        .iter()
        .filter_map(|r| r.counts.as_ref())
        .flat_map(|c| &c.warnings)
    {
        out = out.note(format_args!("  {w}"));
    }
    if reports.iter().any(|r| r.error.is_some()) {
        out = out.then_fail(Failure::Other("some feeds could not be synced".into()));
    }
    out
}

/// The secret for an authenticated feed: the first line of stdin.
fn first_line_of_stdin() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::Other(format!("cannot read the secret from stdin: {e}")))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Runs `vernetzt feed …`.
pub fn run(mut store: Store, cmd: FeedCmd) -> Outcome {
    let limits = Limits::default();
    let secrets = shared::secrets();
    Ok(match cmd {
        FeedCmd::Add {
            url,
            name,
            user,
            token,
            every,
        } => {
            let auth = match (user, token) {
                (Some(user), _) => FeedAuth::Basic { user },
                (None, true) => FeedAuth::Bearer,
                _ => FeedAuth::None,
            };
            let secret = if auth == FeedAuth::None {
                None
            } else {
                Some(first_line_of_stdin()?)
            };
            let mut feed = feed_sync::add_feed(
                &mut store,
                &secrets,
                &url,
                name.as_deref(),
                auth,
                secret.as_deref(),
            )
            .map_err(add_failure)?;
            if let Some(minutes) = every {
                store.set_feed_refresh(feed.id, minutes)?;
                feed = store.feed(feed.id)?;
            }
            Output::line(
                &feed,
                format_args!("added {} (#{}): {}", feed.name, feed.id, feed.url),
            )
        }
        FeedCmd::List => Output::list(&store.feeds()?, |f| {
            format!(
                "{:>4}  {}  {}  last sync: {}{}",
                f.id,
                f.name,
                f.url,
                f.last_success_at.as_deref().unwrap_or("never"),
                f.last_error
                    .as_deref()
                    .map(|e| format!("  error: {e}"))
                    .unwrap_or_default()
            )
        }),
        FeedCmd::Remove { id } => {
            let r = feed_sync::remove_feed(&mut store, &secrets, id).map_err(add_failure)?;
            Output::line(
                &r,
                format_args!(
                    "removed {} (#{}): {} events deleted, {} kept for your history",
                    r.name, r.feed_id, r.deleted, r.kept
                ),
            )
        }
        FeedCmd::Sync { id } => report_output(&sync(store, &secrets, &limits, id)?),
        FeedCmd::Import { file, name } => {
            let report = feed_sync::import_file(&mut store, &file, name.as_deref(), &limits)
                .map_err(add_failure)?;
            report_output(&[report])
        }
    })
}

/// Syncs one feed, or all of them, now.
fn sync(
    store: Store,
    secrets: &Secrets,
    limits: &Limits,
    id: Option<i64>,
) -> Result<Vec<SyncReport>, Failure> {
    let client = vernetzt_net::client(limits).map_err(|e| Failure::Other(e.to_string()))?;
    let rt = shared::runtime()?;
    let store = std::sync::Mutex::new(store);
    Ok(rt.block_on(async {
        match id {
            Some(id) => vec![feed_sync::sync_feed(&store, &client, secrets, limits, id).await],
            None => {
                feed_sync::sync_all(&store, &client, secrets, limits, false, chrono::Utc::now())
                    .await
            }
        }
    }))
}
