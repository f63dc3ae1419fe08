//! Feed subscription and sync: the edge that joins the network, the keyring and the store.
//!
//! The store is held only for short, synchronous steps (read the feed's validators, then apply
//! the result); the download in between runs without it, so the UI stays responsive and another
//! process can write meanwhile. A failure of any kind (network, keyring, a file that is not a
//! calendar) is recorded on the feed in plain words and leaves its events exactly as they were.

use crate::feed::{
    Auth, FeedRequest, FetchError, FetchOutcome, Limits, fetch_feed, normalize_feed_url,
};
use crate::secrets::Secrets;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use vernetzt_core::ical::event::read_feed;
use vernetzt_core::model::{Feed, FeedAuth, FeedCounts, FeedRemoval};
use vernetzt_core::{Store, schedule};

/// The keyring service under which Vernetzt keeps its secrets.
pub const SECRETS_SERVICE: &str = "vernetzt";

/// What one feed's sync did, for the UI and `vernetzt feed sync --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// The feed.
    pub feed_id: i64,
    /// Its name.
    pub name: String,
    /// The counts, when the sync succeeded.
    pub counts: Option<FeedCounts>,
    /// The error in plain words, when it failed.
    pub error: Option<String>,
}

/// Why a feed could not be added or removed.
#[derive(Debug, thiserror::Error)]
pub enum AddFeedError {
    /// The address is not a usable feed address.
    #[error(transparent)]
    Url(#[from] FetchError),
    /// The store refused (e.g. already subscribed).
    #[error(transparent)]
    Store(#[from] vernetzt_core::Error),
    /// The secret could not be kept in (or deleted from) the keyring; the feed was not added
    /// (or not removed).
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    /// A login was asked for without a password or token.
    #[error("a feed with a login needs its password or token")]
    MissingSecret,
}

/// Subscribes to a feed: checks and normalises the address (`webcal://` → `https://`; plain
/// `http://` only to loopback), stores the feed, and puts its secret in the keyring under the
/// feed's uid. If the keyring refuses, the feed is not kept. A user name and password inside the
/// address (`https://anna:geheim@host/…`) become the feed's login when none is given, and are
/// stored without the address either way: the database, the feeds list and the browser only
/// ever see the address without them.
pub fn add_feed(
    store: &mut Store,
    secrets: &Secrets,
    url: &str,
    name: Option<&str>,
    auth: FeedAuth,
    secret: Option<&str>,
) -> Result<Feed, AddFeedError> {
    let mut url = normalize_feed_url(url)?;
    let in_url = crate::feed::take_credentials(&mut url);
    let (auth, secret) = match (auth, in_url) {
        (FeedAuth::None, Some((user, password))) if secret.is_none() => {
            (FeedAuth::Basic { user }, Some(password))
        }
        (auth, _) => (auth, secret.map(String::from)),
    };
    let secret = secret.as_deref().filter(|s| !s.is_empty());
    if auth != FeedAuth::None && secret.is_none() {
        return Err(AddFeedError::MissingSecret);
    }
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .unwrap_or_else(|| url.host_str().unwrap_or("Kalender").to_string());
    let feed = store.add_feed(url.as_str(), &name, &auth)?;
    if let Some(s) = secret
        && let Err(e) = secrets.set(&feed.uid, s)
    {
        // A new feed has no events: this deletes it. A feed subscribed again keeps its history.
        store.remove_feed(feed.id)?;
        return Err(e.into());
    }
    Ok(feed)
}

/// Removes a feed (app and `vernetzt feed remove`): its secret leaves the keyring first, then
/// the store removes the feed and the events the user has no history with
/// ([`Store::remove_feed`]). In this order a keyring that refuses (locked, not running) leaves
/// the feed as it was and says so, so that no password outlives the feed the user removed.
pub fn remove_feed(
    store: &mut Store,
    secrets: &Secrets,
    feed_id: i64,
) -> Result<FeedRemoval, AddFeedError> {
    let feed = store.feed(feed_id)?;
    if feed.auth != FeedAuth::None {
        secrets.delete(&feed.uid)?;
    }
    Ok(store.remove_feed(feed_id)?)
}

/// Imports a local `.ics` file as a feed of its own (`file://` + its absolute path); importing the
/// same file again updates that feed.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    name: Option<&str>,
    limits: &Limits,
) -> Result<SyncReport, AddFeedError> {
    let abs = std::fs::canonicalize(path).map_err(|e| vernetzt_core::Error::Open {
        path: path.into(),
        detail: e.to_string(),
    })?;
    let url = format!("file://{}", abs.display());
    let feed = match store.feed_by_url(&url)? {
        Some(f) => f,
        None => {
            let default = abs
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Import".into());
            store.add_feed(&url, name.unwrap_or(&default), &FeedAuth::None)?
        }
    };
    let outcome = read_file(&abs, limits);
    Ok(apply_outcome(store, &feed, outcome, Utc::now()))
}

fn read_file(path: &Path, limits: &Limits) -> Result<FetchOutcome, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.len() > limits.max_bytes {
        return Err(format!(
            "{} is {:.1} MB; feeds larger than {} MB are refused",
            path.display(),
            meta.len() as f64 / 1e6,
            limits.max_bytes / 1_000_000
        ));
    }
    let body = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(FetchOutcome::Fetched {
        body,
        etag: None,
        last_modified: None,
        final_url: path.display().to_string(),
        content_type: None,
    })
}

/// Records what a fetch brought: a failure, a 304, or a body that is read and applied.
pub fn apply_outcome(
    store: &mut Store,
    feed: &Feed,
    outcome: Result<FetchOutcome, String>,
    now: DateTime<Utc>,
) -> SyncReport {
    let zone = store.user_zone();
    let mut report = SyncReport {
        feed_id: feed.id,
        name: feed.name.clone(),
        counts: None,
        error: None,
    };
    let result = match outcome {
        Err(e) => Err(e),
        Ok(FetchOutcome::NotModified) => store
            .record_feed_not_modified(feed.id)
            .map_err(|e| e.to_string()),
        Ok(FetchOutcome::Fetched {
            body,
            etag,
            last_modified,
            ..
        }) => match read_feed(&body, zone, now) {
            Err(e) => Err(format!(
                "the feed could not be used: {e}; the events kept so far stay as they were"
            )),
            Ok(read) => {
                // A feed added without a name got its host's; the calendar's own name is better.
                let host_named = url::Url::parse(&feed.url)
                    .ok()
                    .and_then(|u| u.host_str().map(|h| h == feed.name))
                    .unwrap_or(false);
                if let (true, Some(name)) = (host_named, read.name.as_deref()) {
                    let _ = store.rename_feed(feed.id, name);
                    report.name = name.trim().to_string();
                }
                store
                    .apply_feed(feed.id, &read, etag.as_deref(), last_modified.as_deref())
                    .map_err(|e| e.to_string())
            }
        },
    };
    match result {
        Ok(c) => report.counts = Some(c),
        Err(e) => {
            let _ = store.record_feed_failure(feed.id, &e);
            report.error = Some(e);
        }
    }
    report
}

/// Syncs one feed now: conditional GET with the stored validators and the keyring's secret.
pub async fn sync_feed(
    store: &Mutex<Store>,
    client: &reqwest::Client,
    secrets: &Secrets,
    limits: &Limits,
    feed_id: i64,
) -> SyncReport {
    let lock = || store.lock().unwrap_or_else(|p| p.into_inner());
    let feed = match lock().feed(feed_id) {
        Ok(f) => f,
        Err(e) => {
            return SyncReport {
                feed_id,
                name: String::new(),
                counts: None,
                error: Some(e.to_string()),
            };
        }
    };
    let outcome = if let Some(path) = feed.url.strip_prefix("file://") {
        read_file(Path::new(path), limits)
    } else {
        match request_for(&feed, secrets) {
            Err(e) => Err(e),
            Ok(req) => fetch_feed(client, &req, limits)
                .await
                .map_err(|e| e.to_string()),
        }
    };
    apply_outcome(&mut lock(), &feed, outcome, Utc::now())
}

/// Syncs every feed (`due_only`: only those the schedule says are due at `now`).
pub async fn sync_all(
    store: &Mutex<Store>,
    client: &reqwest::Client,
    secrets: &Secrets,
    limits: &Limits,
    due_only: bool,
    now: DateTime<Utc>,
) -> Vec<SyncReport> {
    let feeds = store
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .feeds()
        .unwrap_or_default();
    let ids: Vec<i64> = if due_only {
        schedule::due(&feeds, now)
    } else {
        feeds.iter().map(|f| f.id).collect()
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(sync_feed(store, client, secrets, limits, id).await);
    }
    out
}

/// The request for `feed`: its validators and, for a feed with a login, the secret from the
/// keyring (a missing secret is an error that says so).
fn request_for(feed: &Feed, secrets: &Secrets) -> Result<FeedRequest, String> {
    let secret = || -> Result<String, String> {
        secrets
            .get(&feed.uid)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                "no password or token for this feed in the keyring; add the feed again".to_string()
            })
    };
    let auth = match &feed.auth {
        FeedAuth::None => None,
        FeedAuth::Basic { user } => Some(Auth::Basic {
            user: user.clone(),
            password: secret()?,
        }),
        FeedAuth::Bearer => Some(Auth::Bearer(secret()?)),
    };
    Ok(FeedRequest {
        url: feed.url.clone(),
        etag: feed.etag.clone(),
        last_modified: feed.last_modified.clone(),
        auth,
    })
}
