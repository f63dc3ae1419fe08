//! Feeds and their events: applying a read feed (added, updated, cancelled, removed, unchanged)
//! and listing occurrences for a window.

use super::{Store, new_uid};
use crate::error::{Error, Result};
use crate::hash::fnv1a_hex;
use crate::ical::event::{FeedEvent, FeedRead, Status, When};
use crate::ical::recur::{self, Anchor, Instant};
use crate::ical::zone::date_start_utc;
use crate::model::{Feed, FeedAuth, FeedCounts, Occurrence};
use crate::rules::MAX_FEED_NAME_CHARS;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::{HashMap, HashSet};

/// Most warnings kept per sync: enough to find the problem, bounded for a hostile feed.
const MAX_WARNINGS: usize = 200;

fn instant_stored(i: &Instant) -> String {
    match i {
        Instant::Date(d) => d.format("%Y-%m-%d").to_string(),
        Instant::Utc(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn instant_parse(s: &str) -> Option<Instant> {
    if s.len() == 10 {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(Instant::Date)
    } else {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| Instant::Utc(t.with_timezone(&Utc)))
    }
}

fn list_json(v: &[Instant]) -> Option<String> {
    (!v.is_empty()).then(|| {
        serde_json::to_string(&v.iter().map(instant_stored).collect::<Vec<_>>()).expect("strings")
    })
}

/// The wall-clock start in the event's zone, stored so recurrence follows it across DST.
pub(super) fn start_local(w: &When) -> Option<String> {
    match w {
        When::Zoned(l, _) => Some(l.format("%Y-%m-%dT%H:%M:%S").to_string()),
        _ => None,
    }
}

/// A fingerprint of everything the feed said about an event, to tell unchanged events cheaply.
/// FNV-1a over a canonical JSON form: stable across builds (unlike std's hasher), and storing 16
/// hex digits instead of a second copy of every description halves what an import writes.
fn canonical(e: &FeedEvent) -> String {
    fnv1a_hex(canonical_text(e).as_bytes())
}

/// Everything the feed said about an event, in one comparable string.
fn canonical_text(e: &FeedEvent) -> String {
    serde_json::json!([
        e.title,
        e.description,
        e.location,
        e.url,
        e.organizer,
        e.start.stored(),
        e.end.stored(),
        start_local(&e.start),
        e.start.zone().map(|z| z.name()),
        e.status.as_str(),
        e.sequence,
        e.rrule,
        list_json(&e.rdates),
        list_json(&e.exdates)
    ])
    .to_string()
}

fn feed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Feed> {
    let kind: String = r.get(5)?;
    let user: Option<String> = r.get(6)?;
    let counts: Option<String> = r.get(11)?;
    Ok(Feed {
        id: r.get(0)?,
        uid: r.get(1)?,
        url: r.get(2)?,
        name: r.get(3)?,
        auth: match kind.as_str() {
            "basic" => FeedAuth::Basic {
                user: user.unwrap_or_default(),
            },
            "bearer" => FeedAuth::Bearer,
            _ => FeedAuth::None,
        },
        refresh_minutes: r.get(4)?,
        last_success_at: r.get(7)?,
        last_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        failures: r.get(10)?,
        last_counts: counts.and_then(|c| serde_json::from_str(&c).ok()),
        etag: r.get(12)?,
        last_modified: r.get(13)?,
        events: r.get(14)?,
    })
}

const FEED_SELECT: &str =
    "SELECT f.id, f.uid, f.url, f.name, f.refresh_minutes, f.auth_kind, f.auth_user,
        f.last_success_at, f.last_attempt_at, f.last_error, f.failures, f.last_counts, f.etag,
        f.last_modified, (SELECT count(*) FROM events e WHERE e.feed_id = f.id)
     FROM feeds f";

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
    /// twice is refused.
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
        let t = self.now_text();
        let tx = self.write()?;
        super::exec(
            &tx,
            "INSERT INTO feeds(uid, url, name, auth_kind, auth_user, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![new_uid(), url, name, kind, user, t],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.feed(id)
    }

    /// Unsubscribes: the feed and its events go (used to undo a subscription that could not be
    /// completed, e.g. when the keyring refused its secret).
    pub fn delete_feed(&mut self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
        Ok(())
    }

    /// All feeds, by name.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FEED_SELECT} ORDER BY f.name, f.id"))?;
        let rows = stmt.query_map([], feed_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One feed.
    pub fn feed(&self, id: i64) -> Result<Feed> {
        self.conn
            .query_row(&format!("{FEED_SELECT} WHERE f.id = ?1"), [id], feed_row)
            .optional()?
            .ok_or_else(|| Error::not_found("feed", id))
    }

    /// The feed with this URL, if subscribed.
    pub fn feed_by_url(&self, url: &str) -> Result<Option<Feed>> {
        Ok(self
            .conn
            .query_row(&format!("{FEED_SELECT} WHERE f.url = ?1"), [url], feed_row)
            .optional()?)
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

    /// Applies a read feed to the stored events of feed `id`, in one transaction: new events are
    /// added, changed ones updated (unless the stored one has a higher SEQUENCE or a later DTSTAMP),
    /// and, only when the feed is complete, events missing from it are marked `removed` (their
    /// attendance and notes stay). `etag`/`last_modified` are kept for the next conditional GET.
    pub fn apply_feed(
        &mut self,
        id: i64,
        read: &FeedRead,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<FeedCounts> {
        let t = self.now_text();
        let tx = self.write()?;
        let mut counts = FeedCounts {
            warnings: read
                .warnings
                .iter()
                .take(MAX_WARNINGS)
                .map(ToString::to_string)
                .collect(),
            ..Default::default()
        };
        if read.warnings.len() > MAX_WARNINGS {
            counts
                .warnings
                .push(format!("… and {} more", read.warnings.len() - MAX_WARNINGS));
        }
        // One version per (UID, RECURRENCE-ID): the highest SEQUENCE, then the latest DTSTAMP.
        let mut chosen: HashMap<(&str, Option<&str>), &FeedEvent> = HashMap::new();
        for e in &read.events {
            let key = (e.uid.as_str(), e.recurrence_id.as_deref());
            match chosen.get(&key) {
                Some(prev) if (prev.sequence, &prev.dtstamp) >= (e.sequence, &e.dtstamp) => {}
                _ => {
                    chosen.insert(key, e);
                }
            }
        }
        let mut stored = stored_versions(&tx, id)?;
        for e in chosen.values() {
            let key = (e.uid.clone(), e.recurrence_id.clone());
            apply_event(&tx, id, e, stored.remove(&key), &t, &mut counts)?;
        }
        if read.complete {
            let skipped: HashSet<&str> = read.skipped_uids.iter().map(String::as_str).collect();
            let mut stmt = tx.prepare("SELECT id, uid, recurrence_id FROM events WHERE feed_id = ?1 AND status <> 'removed'")?;
            let stored: Vec<(i64, String, Option<String>)> = stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?;
            for (row, uid, rid) in stored {
                if !chosen.contains_key(&(uid.as_str(), rid.as_deref()))
                    && !skipped.contains(uid.as_str())
                {
                    super::exec(
                        &tx,
                        "UPDATE events SET status = 'removed', updated_at = ?2 WHERE id = ?1",
                        params![row, t],
                    )?;
                    counts.removed += 1;
                }
            }
        }
        super::exec(&tx,
            "UPDATE feeds SET etag = ?2, last_modified = ?3, last_attempt_at = ?4, last_success_at = ?4,
                 last_error = NULL, failures = 0, last_counts = ?5 WHERE id = ?1",
            params![id, etag, last_modified, t, serde_json::to_string(&counts).expect("counts")],
        )?;
        tx.commit()?;
        Ok(counts)
    }

    /// Occurrences of all events (or one feed's) that overlap `[from, to)`, in start order.
    /// All-day events are placed in `zone` (the user's). Recurring events are expanded here,
    /// with bounded work per event.
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        feed: Option<i64>,
        zone: Tz,
    ) -> Result<Vec<Occurrence>> {
        let day = chrono::Duration::days(1);
        let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut out: Vec<(DateTime<Utc>, Occurrence)> = Vec::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE e.deleted_at IS NULL AND e.recurring = 0
               AND e.start_utc < ?1 AND e.end_utc > ?2 AND (?3 IS NULL OR e.feed_id = ?3)"
        ))?;
        let singles = stmt.query_map(params![fmt(to + day), fmt(from - day), feed], event_row)?;
        for row in singles {
            let row = row?;
            let (s, e) = row.window(zone);
            if s < to && (e > from || (s == e && s >= from)) {
                out.push((
                    s,
                    row.occurrence(
                        row.start.clone(),
                        row.end.clone(),
                        row.recurrence_id.clone(),
                    ),
                ));
            }
        }
        let overrides: HashSet<(Option<i64>, String, String)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT feed_id, uid, recurrence_id FROM events WHERE recurrence_id IS NOT NULL AND deleted_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE e.deleted_at IS NULL AND e.recurring = 1 AND e.start_utc < ?1
               AND (?2 IS NULL OR e.feed_id = ?2)"
        ))?;
        let masters = stmt.query_map(params![fmt(to + day), feed], event_row)?;
        for row in masters {
            let row = row?;
            let Some(anchor) = row.anchor() else { continue };
            let (s0, e0) = row.window(zone);
            let duration = e0 - s0;
            let rdates: Vec<Instant> = row.rdates.iter().filter_map(|s| instant_parse(s)).collect();
            let exdates: Vec<Instant> = row
                .exdates
                .iter()
                .filter_map(|s| instant_parse(s))
                .collect();
            let Ok(exp) = recur::expand(
                row.rrule.as_deref(),
                anchor,
                duration,
                &rdates,
                &exdates,
                from - day,
                to + day,
            ) else {
                continue;
            };
            for start in exp.starts {
                let (rid, s_out, e_out, s_utc) = if row.all_day {
                    let d = start.date_naive();
                    let end = d + chrono::Duration::days(duration.num_days().max(1));
                    let fmt_d = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
                    (fmt_d(d), fmt_d(d), fmt_d(end), date_start_utc(d, zone))
                } else {
                    (fmt(start), fmt(start), fmt(start + duration), start)
                };
                if overrides.contains(&(row.feed_id, row.uid.clone(), rid.clone())) {
                    continue;
                }
                let e_utc = s_utc + duration;
                if s_utc < to && (e_utc > from || (duration.is_zero() && s_utc >= from)) {
                    out.push((s_utc, row.occurrence(s_out, e_out, Some(rid))));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
        Ok(out.into_iter().map(|(_, o)| o).collect())
    }
}

const EVENT_SELECT: &str =
    "SELECT e.id, e.uid, e.recurrence_id, e.title, e.description, e.location, e.url,
        e.organizer, e.start_utc, e.end_utc, e.start_local, e.tzid, e.all_day, e.rrule, e.rdates,
        e.exdates, e.status, f.name, e.feed_id
     FROM events e LEFT JOIN feeds f ON f.id = e.feed_id";

/// An event row as needed to list its occurrences.
struct EventRow {
    id: i64,
    uid: String,
    recurrence_id: Option<String>,
    title: String,
    description: Option<String>,
    location: Option<String>,
    url: Option<String>,
    organizer: Option<String>,
    start: String,
    end: String,
    start_local: Option<String>,
    tzid: Option<String>,
    all_day: bool,
    rrule: Option<String>,
    rdates: Vec<String>,
    exdates: Vec<String>,
    status: String,
    feed: Option<String>,
    feed_id: Option<i64>,
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    let list = |v: Option<String>| {
        v.and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok())
            .unwrap_or_default()
    };
    Ok(EventRow {
        id: r.get(0)?,
        uid: r.get(1)?,
        recurrence_id: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        location: r.get(5)?,
        url: r.get(6)?,
        organizer: r.get(7)?,
        start: r.get(8)?,
        end: r.get(9)?,
        start_local: r.get(10)?,
        tzid: r.get(11)?,
        all_day: r.get(12)?,
        rrule: r.get(13)?,
        rdates: list(r.get(14)?),
        exdates: list(r.get(15)?),
        status: r.get(16)?,
        feed: r.get(17)?,
        feed_id: r.get(18)?,
    })
}

fn parse_stored(s: &str, zone: Tz) -> Option<DateTime<Utc>> {
    match instant_parse(s)? {
        Instant::Date(d) => Some(date_start_utc(d, zone)),
        Instant::Utc(t) => Some(t),
    }
}

impl EventRow {
    /// Start and end as instants (all-day dates at midnight in `zone`).
    fn window(&self, zone: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let s = parse_stored(&self.start, zone).unwrap_or_default();
        (s, parse_stored(&self.end, zone).unwrap_or(s))
    }

    fn anchor(&self) -> Option<Anchor> {
        if self.all_day {
            return NaiveDate::parse_from_str(&self.start, "%Y-%m-%d")
                .ok()
                .map(Anchor::Date);
        }
        match (
            &self.start_local,
            self.tzid.as_deref().and_then(|z| z.parse::<Tz>().ok()),
        ) {
            (Some(l), Some(tz)) => NaiveDateTime::parse_from_str(l, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|l| Anchor::Zoned(l, tz)),
            _ => DateTime::parse_from_rfc3339(&self.start)
                .ok()
                .map(|t| Anchor::Utc(t.with_timezone(&Utc))),
        }
    }

    fn occurrence(&self, start: String, end: String, recurrence_id: Option<String>) -> Occurrence {
        Occurrence {
            uid: self.uid.clone(),
            recurrence_id,
            title: self.title.clone(),
            start,
            end,
            all_day: self.all_day,
            status: self.status.clone(),
            location: self.location.clone(),
            description: self.description.clone(),
            url: self.url.clone(),
            organizer: self.organizer.clone(),
            tzid: self.tzid.clone(),
            feed: self.feed.clone(),
            event_id: self.id,
        }
    }
}

/// What is stored of an event's version: row id, SEQUENCE, DTSTAMP, canonical form, status.
type StoredVersion = (i64, i64, Option<String>, Option<String>, String);

/// The stored versions of a feed's events, keyed by (UID, RECURRENCE-ID): read once per sync
/// instead of one query per event.
fn stored_versions(
    tx: &Transaction<'_>,
    feed_id: i64,
) -> Result<HashMap<(String, Option<String>), StoredVersion>> {
    let mut stmt = tx.prepare(
        "SELECT uid, recurrence_id, id, sequence, dtstamp, raw, status FROM events WHERE feed_id = ?1",
    )?;
    let rows = stmt.query_map([feed_id], |r| {
        Ok((
            (r.get(0)?, r.get(1)?),
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn apply_event(
    tx: &Transaction<'_>,
    feed_id: i64,
    e: &FeedEvent,
    existing: Option<StoredVersion>,
    t: &str,
    counts: &mut FeedCounts,
) -> Result<()> {
    let canon = canonical(e);
    let values = params![
        feed_id,
        e.uid,
        e.recurrence_id,
        e.title,
        e.description,
        e.location,
        e.url,
        e.organizer,
        e.start.stored(),
        e.end.stored(),
        start_local(&e.start),
        e.start.zone().map(|z| z.name()),
        e.all_day(),
        e.rrule,
        list_json(&e.rdates),
        list_json(&e.exdates),
        e.recurring(),
        e.status.as_str(),
        e.sequence,
        e.dtstamp,
        canon,
        t
    ];
    match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO events(feed_id, uid, recurrence_id, title, description, location, url, organizer,
                     start_utc, end_utc, start_local, tzid, all_day, rrule, rdates, exdates, recurring,
                     status, sequence, dtstamp, raw, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
            )?
            .execute(values)?;
            if e.status == Status::Cancelled {
                counts.cancelled += 1;
            } else {
                counts.added += 1;
            }
        }
        Some((row, seq, stamp, raw, status)) => {
            let stale = (e.sequence, e.dtstamp.as_deref().unwrap_or(""))
                < (seq, stamp.as_deref().unwrap_or(""));
            if stale || (raw.as_deref() == Some(canon.as_str()) && status != "removed") {
                counts.unchanged += 1;
                return Ok(());
            }
            super::exec(tx,
                "UPDATE events SET title = ?4, description = ?5, location = ?6, url = ?7, organizer = ?8,
                     start_utc = ?9, end_utc = ?10, start_local = ?11, tzid = ?12, all_day = ?13,
                     rrule = ?14, rdates = ?15, exdates = ?16, recurring = ?17, status = ?18,
                     sequence = ?19, dtstamp = ?20, raw = ?21, updated_at = ?22
                 WHERE id = ?23",
                &[values, &[&row as &dyn rusqlite::ToSql]].concat()[..],
            )?;
            if e.status == Status::Cancelled && status != "cancelled" {
                counts.cancelled += 1;
            } else {
                counts.updated += 1;
            }
        }
    }
    Ok(())
}
