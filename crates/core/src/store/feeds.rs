//! The `feeds` table: subscribing, renaming, the sync schedule's fields, what the last sync
//! did, and removing a feed without losing the user's history with its events.

use super::{Store, all, first, found, new_uid};
use crate::error::{Error, Result};
use crate::model::{Feed, FeedAuth, FeedCounts, FeedRemoval};
use crate::rules::MAX_FEED_NAME_CHARS;
use rusqlite::params;

/// A feed's authentication from its stored kind and user.
fn feed_auth(kind: String, user: Option<String>) -> FeedAuth {
    match kind.as_str() {
        "basic" => FeedAuth::Basic {
            user: user.unwrap_or_default(),
        },
        "bearer" => FeedAuth::Bearer,
        _ => FeedAuth::None,
    }
}

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    read_row!(r, c => Feed {
        id, uid, url, name, auth = feed_auth(c.next()?, c.next()?),
        last_success_at, last_attempt_at, last_error,
        last_counts = c.next::<Option<String>>()?.and_then(|j| serde_json::from_str(&j).ok()),
        failures, refresh_minutes, etag, last_modified, events,
    })
}

/// The columns of a [`Feed`], in its fields' order (see `feed_row`).
const FEED_SELECT: &str =
    "SELECT f.id, f.uid, f.url, f.name, f.auth_kind, f.auth_user, f.last_success_at,
        f.last_attempt_at, f.last_error, f.last_counts, f.failures, f.refresh_minutes, f.etag,
        f.last_modified, (SELECT count(*) FROM events e WHERE e.feed_id = f.id)
     FROM feeds f WHERE f.removed_at IS NULL";

/// A feed's name, trimmed: not empty, at most [`MAX_FEED_NAME_CHARS`].
fn feed_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_FEED_NAME_CHARS {
        return Err(Error::invalid(
            "name_required",
            "name",
            format!("a feed needs a name of at most {MAX_FEED_NAME_CHARS} characters"),
        ));
    }
    Ok(name)
}

impl Store {
    /// Subscribes to a feed. `url` must already be normalised (see `vernetzt_net`); the same URL
    /// twice is refused. A feed removed before with the same URL comes back (same id and uid)
    /// with this name and login, so the events kept for the user's history join it again instead
    /// of being listed twice.
    pub fn add_feed(&mut self, url: &str, name: &str, auth: &FeedAuth) -> Result<Feed> {
        let name = feed_name(name)?;
        if self.feed_by_url(url)?.is_some() {
            return Err(Error::invalid(
                "feed_exists",
                "url",
                format!("the feed {url} is already subscribed"),
            ));
        }
        let (kind, user) = match auth {
            FeedAuth::None => ("none", None),
            FeedAuth::Basic { user } => ("basic", Some(user.as_str())),
            FeedAuth::Bearer => ("bearer", None),
        };
        let (tx, t) = self.begin()?;
        let removed: Option<i64> = first(
            &tx,
            "SELECT id FROM feeds WHERE url = ?1 AND removed_at IS NOT NULL ORDER BY id LIMIT 1",
            [url],
            |r| r.get(0),
        )?;
        let id = match removed {
            Some(id) => {
                super::exec(
                    &tx,
                    "UPDATE feeds SET removed_at = NULL, name = ?2, auth_kind = ?3, auth_user = ?4,
                         etag = NULL, last_modified = NULL, last_attempt_at = NULL,
                         last_success_at = NULL, last_error = NULL, last_counts = NULL, failures = 0
                     WHERE id = ?1",
                    params![id, name, kind, user],
                )?;
                id
            }
            None => {
                super::exec(
                    &tx,
                    "INSERT INTO feeds(uid, url, name, auth_kind, auth_user, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![new_uid(), url, name, kind, user, t],
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.commit()?;
        self.feed(id)
    }

    /// Removes a feed (issue 14): it is no longer listed or synced, and its events go, except
    /// those the user has history with (attendance, encounters, notes, a series; all versions of
    /// such an event's UID stay together), which stay with the feed's row, marked removed, so
    /// that timelines and series keep them. A feed with nothing kept is deleted outright. The
    /// feed's secret is the caller's (`vernetzt_net::feed_sync::remove_feed`).
    pub fn remove_feed(&mut self, id: i64) -> Result<FeedRemoval> {
        let feed = self.feed(id)?;
        let (tx, t) = self.begin()?;
        let deleted = super::exec(
            &tx,
            &format!(
                "DELETE FROM events WHERE feed_id = ?1 AND uid NOT IN ({})",
                super::events::HISTORY_UIDS
            ),
            [id],
        )?;
        // Nothing kept: the row goes too. Else it stays, marked, for the kept events.
        let gone = super::exec(
            &tx,
            "DELETE FROM feeds WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM events WHERE feed_id = ?1)",
            [id],
        )?;
        if gone == 0 {
            super::exec(
                &tx,
                "UPDATE feeds SET removed_at = ?2, etag = NULL, last_modified = NULL WHERE id = ?1",
                params![id, t],
            )?;
        }
        tx.commit()?;
        Ok(FeedRemoval {
            feed_id: id,
            name: feed.name,
            uid: feed.uid,
            deleted: deleted as i64,
            kept: feed.events - deleted as i64,
        })
    }

    /// All feeds, by name.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        all(
            &self.conn,
            &format!("{FEED_SELECT} ORDER BY f.name, f.id"),
            [],
            feed_row,
        )
    }

    /// One feed.
    pub fn feed(&self, id: i64) -> Result<Feed> {
        found(
            &self.conn,
            &format!("{FEED_SELECT} AND f.id = ?1"),
            "feed",
            id,
            feed_row,
        )
    }

    /// The feed with this URL, if subscribed.
    pub fn feed_by_url(&self, url: &str) -> Result<Option<Feed>> {
        first(
            &self.conn,
            &format!("{FEED_SELECT} AND f.url = ?1"),
            [url],
            feed_row,
        )
    }

    /// Records a failed attempt: the error in plain words, and one more failure for the backoff.
    /// The feed's events stay exactly as they were.
    pub fn record_feed_failure(&mut self, id: i64, error: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE feeds SET last_attempt_at = ?2, last_error = ?3, failures = failures + 1 WHERE id = ?1",
            params![id, self.now_text(), error],
        )?;
        Ok(())
    }

    /// Sets how often a feed is synced (5 minutes to a week).
    pub fn set_feed_refresh(&mut self, id: i64, minutes: i64) -> Result<()> {
        if !(5..=7 * 24 * 60).contains(&minutes) {
            return Err(Error::invalid(
                "refresh_invalid",
                "refresh_minutes",
                "sync every 5 minutes at the most and every week at the least",
            ));
        }
        self.feed(id)?;
        self.conn.execute(
            "UPDATE feeds SET refresh_minutes = ?2 WHERE id = ?1",
            params![id, minutes],
        )?;
        Ok(())
    }

    /// Renames a feed.
    pub fn rename_feed(&mut self, id: i64, name: &str) -> Result<()> {
        let name = feed_name(name)?;
        self.conn.execute(
            "UPDATE feeds SET name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
        Ok(())
    }

    /// Records a 304 Not Modified: a successful sync that changed nothing. The warnings of the
    /// last read stay, since the feed still has those problems.
    pub fn record_feed_not_modified(&mut self, id: i64) -> Result<FeedCounts> {
        let previous = self
            .feed(id)?
            .last_counts
            .map(|c| c.warnings)
            .unwrap_or_default();
        let counts = FeedCounts {
            not_modified: true,
            warnings: previous,
            ..Default::default()
        };
        let t = self.now_text();
        self.conn.execute(
            "UPDATE feeds SET last_attempt_at = ?2, last_success_at = ?2, last_error = NULL, failures = 0,
                 last_counts = ?3 WHERE id = ?1",
            params![id, t, serde_json::to_string(&counts).expect("counts")],
        )?;
        Ok(counts)
    }
}
