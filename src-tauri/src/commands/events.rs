//! Feeds and the events list.

use super::parse_time;
use crate::error::CmdResult;
use crate::state::AppState;
use tauri::State;
use vernetzt_core::at_event;
use vernetzt_core::model::{Feed, FeedAuth, FeedRemoval, OccurrenceList};
use vernetzt_net::feed_sync::{self, SyncReport};

/// A new feed as the form sends it; the secret goes to the keyring.
#[derive(serde::Deserialize)]
pub struct FeedInput {
    url: String,
    name: Option<String>,
    auth: FeedAuth,
    secret: Option<String>,
}

store_commands! {
    /// The subscribed feeds with last sync and last error.
    fn feeds_list() -> Vec<Feed> = |s| s.feeds();
}

/// Subscribes to a feed (address checked, secret into the keyring); the UI syncs it next.
#[tauri::command]
pub fn feed_add(state: State<'_, AppState>, input: FeedInput) -> CmdResult<Feed> {
    Ok(feed_sync::add_feed(
        &mut *state.store()?,
        &state.secrets,
        &input.url,
        input.name.as_deref(),
        input.auth,
        input.secret.as_deref(),
    )?)
}

/// Removes a feed: its secret leaves the keyring, its events go except those with the user's
/// history. Off the main thread: the keyring may wait for an unlock prompt, and a large feed
/// has many events to delete.
#[tauri::command]
pub async fn feed_remove(state: State<'_, AppState>, feed_id: i64) -> CmdResult<FeedRemoval> {
    let secrets = std::sync::Arc::clone(&state.secrets);
    state
        .blocking(move |store| Ok(feed_sync::remove_feed(store, &secrets, feed_id)?))
        .await
}

/// Syncs one feed or all now; the store is not held while downloading.
#[tauri::command]
pub async fn feeds_sync(
    state: State<'_, AppState>,
    feed_id: Option<i64>,
) -> CmdResult<Vec<SyncReport>> {
    let (store, client) = (state.store_mutex()?, state.client()?);
    Ok(match feed_id {
        Some(id) => {
            vec![feed_sync::sync_feed(store, client, &state.secrets, &state.limits, id).await]
        }
        None => {
            feed_sync::sync_all(
                store,
                client,
                &state.secrets,
                &state.limits,
                false,
                chrono::Utc::now(),
            )
            .await
        }
    })
}

/// Occurrences overlapping `[from, to)` (RFC 3339), in the user's zone for all-day events: the
/// first ones, and whether the listing was cut short (the view says so). Off the main thread:
/// recurring events are expanded on demand.
#[tauri::command]
pub async fn events_list(
    state: State<'_, AppState>,
    from: String,
    to: String,
    feed_id: Option<i64>,
) -> CmdResult<OccurrenceList> {
    let (from, to) = (parse_time(&from)?, parse_time(&to)?);
    state
        .blocking(move |store| Ok(at_event::occurrences(store, from, to, feed_id)?))
        .await
}
