//! Feeds' events: applying a read feed (added, updated, cancelled, removed, unchanged)
//! and listing occurrences for a window.

use super::{Store, all, json_value, tuple};
use crate::error::{Error, Result};
use crate::hash::fnv1a_hex;
use crate::ical::event::{FeedEvent, FeedRead, Status, When};
use crate::ical::recur::{self, Anchor, Instant};
use crate::ical::zone::date_start_utc;
use crate::model::{FeedCounts, Occurrence, OccurrenceList};
use crate::rules::{MAX_FEED_EVENTS, MAX_FEED_SERIES, MAX_LISTED_OCCURRENCES};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{ToSql, Transaction, params};
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

/// What the feed said about an event, as the values of the columns `title, description,
/// location, url, organizer, start_utc, end_utc, start_local, tzid, status, sequence, rrule,
/// rdates, exdates`, in that order: `apply_event` stores them and takes the fingerprint over them.
struct Content<'a> {
    event: &'a FeedEvent,
    /// DTSTART and DTEND as stored.
    times: [String; 2],
    start_local: Option<String>,
    tzid: Option<&'static str>,
    status: &'static str,
    /// RDATEs and EXDATEs as stored (JSON lists).
    lists: [Option<String>; 2],
}

impl<'a> Content<'a> {
    fn of(e: &'a FeedEvent) -> Self {
        Content {
            event: e,
            times: [e.start.stored(), e.end.stored()],
            start_local: start_local(&e.start),
            tzid: e.start.zone().map(|z| z.name()),
            status: e.status.as_str(),
            lists: [list_json(&e.rdates), list_json(&e.exdates)],
        }
    }

    fn values(&self) -> [&dyn ToSql; 14] {
        let e = self.event;
        let [start, end] = &self.times;
        let [rdates, exdates] = &self.lists;
        [
            &e.title,
            &e.description,
            &e.location,
            &e.url,
            &e.organizer,
            start,
            end,
            &self.start_local,
            &self.tzid,
            &self.status,
            &e.sequence,
            &e.rrule,
            rdates,
            exdates,
        ]
    }
}

/// A fingerprint of everything the feed said about an event, to tell unchanged events cheaply:
/// FNV-1a over its [`Content`] as a JSON array. Stable across builds (unlike std's hasher), and
/// storing 16 hex digits instead of a second copy of every description halves what an import
/// writes.
fn fingerprint(values: &[&dyn ToSql]) -> rusqlite::Result<String> {
    let mut json = Vec::with_capacity(values.len());
    for v in values {
        json.push(json_value(match v.to_sql()? {
            ToSqlOutput::Borrowed(r) => Value::try_from(r)?,
            ToSqlOutput::Owned(v) => v,
            _ => Value::Null, // zero blobs and arrays: never an event's value
        }));
    }
    Ok(fnv1a_hex(
        serde_json::Value::Array(json).to_string().as_bytes(),
    ))
}

impl Store {
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
        let (tx, t) = self.begin()?;
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
        let mut chosen: HashMap<EventKey<'_>, &FeedEvent> = HashMap::new();
        for e in &read.events {
            let key = (e.uid.as_str(), e.recurrence_id.as_deref());
            match chosen.get(&key) {
                Some(prev) if (prev.sequence, &prev.dtstamp) >= (e.sequence, &e.dtstamp) => {}
                _ => {
                    chosen.insert(key, e);
                }
            }
        }
        let left_out = within_caps(&mut chosen);
        counts.warnings.splice(0..0, left_out);
        let mut stored = stored_versions(&tx, id)?;
        for e in chosen.values() {
            let key = (e.uid.clone(), e.recurrence_id.clone());
            apply_event(&tx, id, e, stored.remove(&key), &t, &mut counts)?;
        }
        if read.complete {
            let skipped: HashSet<&str> = read.skipped_uids.iter().map(String::as_str).collect();
            let sql = "SELECT id, uid, recurrence_id FROM events
                       WHERE feed_id = ?1 AND status <> 'removed'";
            let stored: Vec<(i64, String, Option<String>)> = all(&tx, sql, [id], tuple)?;
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
        prune_removed(&tx, id)?;
        let live = super::exec(&tx,
            "UPDATE feeds SET etag = ?2, last_modified = ?3, last_attempt_at = ?4, last_success_at = ?4,
                 last_error = NULL, failures = 0, last_counts = ?5 WHERE id = ?1 AND removed_at IS NULL",
            params![id, etag, last_modified, t, serde_json::to_string(&counts).expect("counts")],
        )?;
        // A feed removed while its download ran (by the CLI, or the app's other window) stays
        // removed: nothing of the download is stored (the transaction is dropped, rolled back).
        if live == 0 {
            return Err(Error::not_found("feed", id));
        }
        tx.commit()?;
        Ok(counts)
    }

    /// Occurrences of all events (or one feed's) that overlap `[from, to)`, in start order: the
    /// first [`MAX_LISTED_OCCURRENCES`] of them (see [`Store::occurrence_list`]).
    pub fn occurrences(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        feed: Option<i64>,
        zone: Tz,
    ) -> Result<Vec<Occurrence>> {
        Ok(self.occurrence_list(from, to, feed, zone)?.occurrences)
    }

    /// Occurrences of all events (or one feed's) that overlap `[from, to)`, in start order, at
    /// most [`MAX_LISTED_OCCURRENCES`] (the first), and whether the list was cut short there or
    /// by a recurrence cap. All-day events are placed in `zone` (the user's). Recurring events
    /// are expanded here with bounded work: once the list is full, later series are expanded
    /// only up to its last start, so a feed of minutely series costs what the list can show.
    pub fn occurrence_list(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        feed: Option<i64>,
        zone: Tz,
    ) -> Result<OccurrenceList> {
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
        let overrides: HashSet<(Option<i64>, String, String)> = all(
            &self.conn,
            "SELECT feed_id, uid, recurrence_id FROM events WHERE recurrence_id IS NOT NULL AND deleted_at IS NULL",
            [],
            tuple,
        )?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{EVENT_SELECT} WHERE e.deleted_at IS NULL AND e.recurring = 1 AND e.start_utc < ?1
               AND (?2 IS NULL OR e.feed_id = ?2)"
        ))?;
        let masters = stmt.query_map(params![fmt(to + day), feed], event_row)?;
        let mut listing = Listing::new(out, to);
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
                listing.until + day,
            ) else {
                continue;
            };
            listing.truncated |= exp.truncated;
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
                    listing.push(s_utc, row.occurrence(s_out, e_out, Some(rid)));
                }
            }
        }
        Ok(listing.finish())
    }
}

/// A listing being collected: occurrences with their start instant, kept to the first
/// [`MAX_LISTED_OCCURRENCES`] whenever twice as many have gathered.
struct Listing {
    out: Vec<(DateTime<Utc>, Occurrence)>,
    /// How far expansion still needs to go: the window's end, then the last start of a full list.
    until: DateTime<Utc>,
    truncated: bool,
}

impl Listing {
    fn new(out: Vec<(DateTime<Utc>, Occurrence)>, to: DateTime<Utc>) -> Self {
        let mut l = Listing {
            out,
            until: to,
            truncated: false,
        };
        l.compact();
        l
    }

    fn push(&mut self, start: DateTime<Utc>, o: Occurrence) {
        self.out.push((start, o));
        if self.out.len() >= 2 * MAX_LISTED_OCCURRENCES {
            self.compact();
        }
    }

    /// Sorts and keeps the first [`MAX_LISTED_OCCURRENCES`]; from then on nothing after the
    /// last kept start can make the list.
    fn compact(&mut self) {
        self.out
            .sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.title.cmp(&b.1.title)));
        if self.out.len() > MAX_LISTED_OCCURRENCES {
            self.out.truncate(MAX_LISTED_OCCURRENCES);
            self.truncated = true;
            self.until = self.until.min(self.out[MAX_LISTED_OCCURRENCES - 1].0);
        }
    }

    fn finish(mut self) -> OccurrenceList {
        self.compact();
        OccurrenceList {
            occurrences: self.out.into_iter().map(|(_, o)| o).collect(),
            truncated: self.truncated,
        }
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
    read_row!(r, c => EventRow {
        id, uid, recurrence_id, title, description, location, url, organizer, start, end,
        start_local, tzid, all_day, rrule, rdates = list(c.next()?), exdates = list(c.next()?),
        status, feed, feed_id,
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

/// A feed event's identity: UID and RECURRENCE-ID.
type EventKey<'a> = (&'a str, Option<&'a str>);

/// Keeps of a feed's events the first by start within the caps ([`MAX_FEED_SERIES`] recurring
/// series, [`MAX_FEED_EVENTS`] in all) and drops the rest from `chosen`; the warnings that say
/// how many were left out. Left out, an event counts as not in the feed: a complete feed marks a
/// stored one removed.
fn within_caps(chosen: &mut HashMap<EventKey<'_>, &FeedEvent>) -> Vec<String> {
    if chosen.len() <= MAX_FEED_EVENTS
        && chosen.values().filter(|e| e.recurring()).count() <= MAX_FEED_SERIES
    {
        return Vec::new();
    }
    let mut order: Vec<(String, EventKey<'_>, bool)> = chosen
        .iter()
        .map(|(k, e)| (e.start.stored(), *k, e.recurring()))
        .collect();
    order.sort();
    let (mut series, mut events, mut series_out, mut events_out) = (0, 0, 0, 0);
    for (_, key, recurring) in order {
        if recurring && series >= MAX_FEED_SERIES {
            series_out += 1;
        } else if events >= MAX_FEED_EVENTS {
            events_out += 1;
        } else {
            series += usize::from(recurring);
            events += 1;
            continue;
        }
        chosen.remove(&key);
    }
    let mut out = Vec::new();
    if series_out > 0 {
        out.push(format!(
            "{series_out} recurring series left out: a feed keeps at most {MAX_FEED_SERIES} (the first by start)"
        ));
    }
    if events_out > 0 {
        out.push(format!(
            "{events_out} events left out: a feed keeps at most {MAX_FEED_EVENTS} (the first by start)"
        ));
    }
    out
}

/// Deletes a feed's events marked removed that the user has no history with, oldest first, as
/// far as the feed holds more than [`MAX_FEED_EVENTS`]: a feed that sends new UIDs each time
/// cannot pile up rows that every listing reads.
fn prune_removed(tx: &Transaction<'_>, feed_id: i64) -> Result<()> {
    super::exec(
        tx,
        &format!(
            "DELETE FROM events WHERE id IN (
                 SELECT e.id FROM events e WHERE e.feed_id = ?1 AND e.status = 'removed'
                     AND e.uid NOT IN ({HISTORY_UIDS})
                 ORDER BY e.start_utc
                 LIMIT max(0, (SELECT count(*) FROM events WHERE feed_id = ?1) - ?2))"
        ),
        params![feed_id, MAX_FEED_EVENTS as i64],
    )?;
    Ok(())
}

/// The UIDs of feed `?1`'s events the user has history with: attendance, an encounter, a note
/// or a series. Such events are never deleted with their feed or by a cap.
pub(super) const HISTORY_UIDS: &str = "SELECT h.uid FROM events h WHERE h.feed_id = ?1
    AND (h.series_id IS NOT NULL
        OR EXISTS (SELECT 1 FROM attendance a WHERE a.event_id = h.id)
        OR EXISTS (SELECT 1 FROM encounters n WHERE n.event_id = h.id)
        OR EXISTS (SELECT 1 FROM notes o WHERE o.event_id = h.id))";

/// What is stored of an event's version: row id, SEQUENCE, DTSTAMP, canonical form, status.
type StoredVersion = (i64, i64, Option<String>, Option<String>, String);

/// The stored versions of a feed's events, keyed by (UID, RECURRENCE-ID): read once per sync
/// instead of one query per event.
fn stored_versions(
    tx: &Transaction<'_>,
    feed_id: i64,
) -> Result<HashMap<(String, Option<String>), StoredVersion>> {
    all(
        tx,
        "SELECT uid, recurrence_id, id, sequence, dtstamp, raw, status FROM events WHERE feed_id = ?1",
        [feed_id],
        |r| {
            Ok((
                (r.get(0)?, r.get(1)?),
                (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?),
            ))
        },
    )
}

fn apply_event(
    tx: &Transaction<'_>,
    feed_id: i64,
    e: &FeedEvent,
    existing: Option<StoredVersion>,
    t: &str,
    counts: &mut FeedCounts,
) -> Result<()> {
    let content = Content::of(e);
    let content = content.values();
    let canon = fingerprint(&content)?;
    let (all_day, recurring) = (e.all_day(), e.recurring());
    let key: [&dyn ToSql; 3] = [&feed_id, &e.uid, &e.recurrence_id];
    let rest: [&dyn ToSql; 5] = [&all_day, &recurring, &e.dtstamp, &canon, &t];
    let values = [&key[..], &content, &rest].concat();
    match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO events(feed_id, uid, recurrence_id, title, description, location, url, organizer,
                     start_utc, end_utc, start_local, tzid, status, sequence, rrule, rdates, exdates,
                     all_day, recurring, dtstamp, raw, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?22)",
            )?
            .execute(&values[..])?;
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
                     start_utc = ?9, end_utc = ?10, start_local = ?11, tzid = ?12, status = ?13,
                     sequence = ?14, rrule = ?15, rdates = ?16, exdates = ?17, all_day = ?18,
                     recurring = ?19, dtstamp = ?20, raw = ?21, updated_at = ?22
                 WHERE id = ?23",
                &[&values[..], &[&row as &dyn ToSql]].concat()[..],
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

#[cfg(test)]
mod tests {
    use crate::ical::event::read_feed;

    /// The fingerprint stored with every feed event did not change with the code that takes
    /// it: a changed value would make the next sync count every event as updated.
    #[test]
    fn the_fingerprint_of_an_event_stays_as_stored() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@example.org\r\n\
            DTSTAMP:20270101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20270327T093000\r\n\
            DTEND;TZID=Europe/Berlin:20270327T160000\r\nSUMMARY:OZG-Erfahrungsaustausch \"Süd\"\r\n\
            LOCATION:Erfurt\r\nSEQUENCE:2\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n\
            EXDATE;TZID=Europe/Berlin:20270403T093000\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\n\
            UID:b@example.org\r\nDTSTART;VALUE=DATE:20270401\r\nSUMMARY:Tag\r\n\
            DESCRIPTION:Zeile 1\\nZeile 2\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let now = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z").unwrap();
        let read = read_feed(ics.as_bytes(), chrono_tz::Tz::Europe__Berlin, now.into()).unwrap();
        let prints: Vec<String> = read
            .events
            .iter()
            .map(|e| super::fingerprint(&super::Content::of(e).values()).unwrap())
            .collect();
        assert_eq!(prints, ["fda5276007ea4e9c", "acb3a47310085ae0"]);
    }
}
