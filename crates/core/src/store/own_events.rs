//! Own events (the rows of `events` without a feed): events the user organises, created,
//! changed and cancelled here, listed with the feeds' events, and journaled for the calendar
//! sync. A change of time or place raises the SEQUENCE, as RFC 5546 asks, so updates sent to
//! invitees replace the old version. Also the iTIP view of an own event ([`Store::invitation`]),
//! which the invitation list, the outbox and the calendar sync build their messages from.

use super::events::start_local;
use super::{Entity, Store, exec, found, journal, new_uid, trimmed, tuple};
use crate::error::{Error, Result};
use crate::ical::event::When;
use crate::ical::itip::{EventTime, Invitation, Person};
use crate::model::{EventRef, OwnEventInput};
use crate::rules::MAX_EVENT_TITLE_CHARS;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use rusqlite::params;
use serde::{Deserialize, Serialize};

fn parse_when(field: &'static str, v: &str, tz: Tz) -> Result<When> {
    let v = v.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(When::Date(d));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .map(|l| When::Zoned(l, tz))
        .ok_or_else(|| {
            Error::invalid(
                "time_invalid",
                field,
                format!("'{v}' is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM"),
            )
        })
}

/// Checked and converted input: start, end, zone.
fn checked(input: &OwnEventInput) -> Result<(When, When, Tz)> {
    if input.title.trim().is_empty() || input.title.chars().count() > MAX_EVENT_TITLE_CHARS {
        return Err(Error::invalid(
            "title_required",
            "title",
            "an event needs a title of at most 500 characters",
        ));
    }
    let tz: Tz = match input.tz.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
        None => Tz::Europe__Berlin,
        Some(z) => z.parse().map_err(|_| {
            Error::invalid(
                "tz_unknown",
                "tz",
                format!("'{z}' is not an IANA time zone"),
            )
        })?,
    };
    let start = parse_when("start", &input.start, tz)?;
    let end = parse_when("end", &input.end, tz)?;
    if matches!(start, When::Date(_)) != matches!(end, When::Date(_)) {
        return Err(Error::invalid(
            "time_mixed",
            "end",
            "start and end must both be dates or both be times",
        ));
    }
    if end.utc() <= start.utc() {
        return Err(Error::invalid(
            "end_before_start",
            "end",
            "the end must lie after the start",
        ));
    }
    Ok((start, end, tz))
}

/// An own event as the edit form and the invitation view see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnEvent {
    /// Row id (for attendance and the event page).
    pub event_id: i64,
    /// UID.
    pub uid: String,
    /// The fields, in the form's shape.
    pub input: OwnEventInput,
    /// Current SEQUENCE.
    pub sequence: i64,
    /// Cancelled (invitations then carry METHOD:CANCEL).
    pub cancelled: bool,
}

/// The stored row of an own event, as invitations and messages need it.
pub(super) struct EventRow {
    pub(super) id: i64,
    pub(super) uid: String,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) location: Option<String>,
    pub(super) url: Option<String>,
    pub(super) start_utc: String,
    pub(super) end_utc: String,
    pub(super) start_local: Option<String>,
    pub(super) tzid: Option<String>,
    pub(super) all_day: bool,
    pub(super) cancelled: bool,
    pub(super) sequence: i64,
}

fn event_times(e: &EventRow) -> (EventTime, EventTime) {
    if e.all_day {
        let d = |s: &str| {
            NaiveDate::parse_from_str(&s[..s.len().min(10)], "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
        };
        return (
            EventTime::Date(d(&e.start_utc)),
            EventTime::Date(d(&e.end_utc)),
        );
    }
    let tz: Tz = e
        .tzid
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(Tz::Europe__Berlin);
    let utc_local = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&tz).naive_local())
            .unwrap_or_default()
    };
    let start = e
        .start_local
        .as_deref()
        .and_then(|l| {
            NaiveDateTime::parse_from_str(&l[..l.len().min(19)], "%Y-%m-%dT%H:%M:%S").ok()
        })
        .unwrap_or_else(|| utc_local(&e.start_utc));
    (
        EventTime::Local(start, tz),
        EventTime::Local(utc_local(&e.end_utc), tz),
    )
}

impl Store {
    /// Creates an own event; returns how to address it (its UID is stable from now on).
    pub fn create_own_event(&mut self, input: &OwnEventInput) -> Result<EventRef> {
        let (start, end, tz) = checked(input)?;
        let t = self.now_text();
        let uid = format!("{}@vernetzt", new_uid());
        let tx = self.write()?;
        exec(
            &tx,
            "INSERT INTO events(uid, title, description, location, url, start_utc, end_utc, start_local,
                 tzid, all_day, status, sequence, dtstamp, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'confirmed', 0, ?11, ?11, ?11)",
            params![
                uid, input.title.trim(), trimmed(&input.description), trimmed(&input.location), trimmed(&input.url),
                start.stored(), end.stored(), start_local(&start),
                (!matches!(start, When::Date(_))).then(|| tz.name()), matches!(start, When::Date(_)), t
            ],
        )?;
        journal(&tx, Entity::Event, &uid, "upsert", &t)?;
        tx.commit()?;
        self.event_ref(&uid, None)
    }

    /// Changes an own event; a new time or place raises its SEQUENCE. Returns the new SEQUENCE.
    pub fn update_own_event(&mut self, uid: &str, input: &OwnEventInput) -> Result<i64> {
        let (start, end, tz) = checked(input)?;
        let (tx, t) = self.begin()?;
        let sql = "SELECT id, start_utc, end_utc, location, sequence FROM events
                   WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL";
        let (id, old_start, old_end, old_loc, seq): (i64, String, String, Option<String>, i64) =
            found(&tx, sql, "own event", uid, tuple)?;
        let moved = old_start != start.stored()
            || old_end != end.stored()
            || old_loc != trimmed(&input.location);
        let sequence = if moved { seq + 1 } else { seq };
        exec(
            &tx,
            "UPDATE events SET title = ?2, description = ?3, location = ?4, url = ?5, start_utc = ?6,
                 end_utc = ?7, start_local = ?8, tzid = ?9, all_day = ?10, sequence = ?11, dtstamp = ?12,
                 updated_at = ?12
             WHERE id = ?1",
            params![
                id, input.title.trim(), trimmed(&input.description), trimmed(&input.location), trimmed(&input.url),
                start.stored(), end.stored(), start_local(&start),
                (!matches!(start, When::Date(_))).then(|| tz.name()), matches!(start, When::Date(_)), sequence, t
            ],
        )?;
        journal(&tx, Entity::Event, uid, "upsert", &t)?;
        tx.commit()?;
        Ok(sequence)
    }

    /// An own event's stored fields, for editing: (input, sequence).
    pub fn own_event(&self, uid: &str) -> Result<(OwnEventInput, i64)> {
        let sql = "SELECT title, start_utc, end_utc, start_local, tzid, all_day, location,
                          description, url, sequence
                   FROM events WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL";
        found(&self.conn, sql, "own event", uid, |r| {
            let all_day: bool = r.get(5)?;
            let tz: Option<String> = r.get(4)?;
            let local: Option<String> = r.get(3)?;
            let end_utc: String = r.get(2)?;
            let (start, end) = if all_day {
                (r.get::<_, String>(1)?, end_utc)
            } else {
                let zone: Tz = tz
                    .as_deref()
                    .and_then(|z| z.parse().ok())
                    .unwrap_or(Tz::Europe__Berlin);
                let end_local = chrono::DateTime::parse_from_rfc3339(&end_utc)
                    .map(|e| e.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
                    .unwrap_or(end_utc);
                (
                    local.map(|l| l[..16].to_string()).unwrap_or_default(),
                    end_local,
                )
            };
            Ok((
                OwnEventInput {
                    title: r.get(0)?,
                    start,
                    end,
                    tz,
                    location: r.get(6)?,
                    description: r.get(7)?,
                    url: r.get(8)?,
                },
                r.get(9)?,
            ))
        })
    }

    /// The stored row of an own event (not a feed's).
    pub(super) fn own_event_row(&self, uid: &str) -> Result<EventRow> {
        let sql = "SELECT id, uid, title, description, location, url, start_utc, end_utc,
                          start_local, tzid, all_day, status, sequence
                   FROM events WHERE uid = ?1 AND feed_id IS NULL AND recurrence_id IS NULL
                     AND deleted_at IS NULL";
        found(&self.conn, sql, "own event", uid, |r| {
            read_row!(r, c => EventRow {
                id, uid, title, description, location, url, start_utc, end_utc, start_local, tzid,
                all_day, cancelled = c.next::<String>()? == "cancelled", sequence,
            })
        })
    }

    /// An own event for the form and the invitation view.
    pub fn own_event_view(&self, uid: &str) -> Result<OwnEvent> {
        let ev = self.own_event_row(uid)?;
        let (input, sequence) = self.own_event(uid)?;
        Ok(OwnEvent {
            event_id: ev.id,
            uid: ev.uid,
            input,
            sequence,
            cancelled: ev.cancelled,
        })
    }

    /// An own event's form filled from a feed event (or one occurrence of it), for "copy into
    /// my own event": title, place, link and text, times in the event's zone.
    pub fn copy_event(&self, event_id: i64, occurrence: Option<&str>) -> Result<OwnEventInput> {
        let sql = "SELECT title, description, location, url, start_utc, end_utc, tzid, all_day
                   FROM events WHERE id = ?1 AND deleted_at IS NULL";
        type Text = Option<String>;
        type Copied = (String, Text, Text, Text, String, String, Text, bool);
        let (title, description, location, url, start, end, tzid, all_day): Copied =
            found(&self.conn, sql, "event", event_id, tuple)?;
        let start_at = occurrence.filter(|o| !o.is_empty()).unwrap_or(&start);
        let (s, e) = if all_day {
            let d = |v: &str| NaiveDate::parse_from_str(&v[..v.len().min(10)], "%Y-%m-%d");
            let (s0, e0, s1) = (d(&start), d(&end), d(start_at));
            match (s0, e0, s1) {
                (Ok(s0), Ok(e0), Ok(s1)) => (
                    s1.format("%Y-%m-%d").to_string(),
                    (s1 + (e0 - s0)).format("%Y-%m-%d").to_string(),
                ),
                _ => (start.clone(), end.clone()),
            }
        } else {
            let tz: Tz = tzid
                .as_deref()
                .and_then(|z| z.parse().ok())
                .unwrap_or(Tz::Europe__Berlin);
            let p = |v: &str| DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc));
            match (p(&start), p(&end), p(start_at)) {
                (Ok(s0), Ok(e0), Ok(s1)) => {
                    let f = |t: DateTime<Utc>| {
                        t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
                    };
                    (f(s1), f(s1 + (e0 - s0)))
                }
                _ => (start.clone(), end.clone()),
            }
        };
        Ok(OwnEventInput {
            title,
            start: s,
            end: e,
            tz: (!all_day).then(|| tzid.unwrap_or_else(|| "Europe/Berlin".into())),
            location,
            description,
            url,
        })
    }

    /// The iTIP view of an own event with everyone still on its list, and whether it is
    /// cancelled.
    pub fn invitation(&self, uid: &str) -> Result<(Invitation, bool)> {
        let (mut inv, cancelled) = self.invitation_without_attendees(uid)?;
        inv.attendees = self
            .invitees(uid)?
            .into_iter()
            .filter(|i| !i.removed)
            .map(|i| Person {
                name: i.name,
                email: i.email,
            })
            .collect();
        Ok((inv, cancelled))
    }

    /// The event and organiser only: what a message to one person needs (loading the whole
    /// list for each of 1,000 messages made sending quadratic).
    pub(super) fn invitation_without_attendees(&self, uid: &str) -> Result<(Invitation, bool)> {
        self.invitation_for_object(uid, self.organizer()?)
    }

    /// The event with a given organiser and no attendees (the calendar object of an event
    /// that invites nobody needs no organiser address).
    pub(super) fn invitation_for_object(
        &self,
        uid: &str,
        organizer: Person,
    ) -> Result<(Invitation, bool)> {
        let ev = self.own_event_row(uid)?;
        let attendees = Vec::new();
        let (start, end) = event_times(&ev);
        Ok((
            Invitation {
                uid: ev.uid,
                sequence: ev.sequence,
                title: ev.title,
                start,
                end,
                location: ev.location,
                description: ev.description,
                url: ev.url,
                organizer,
                attendees,
            },
            ev.cancelled,
        ))
    }

    /// Cancels an own event: STATUS cancelled and a higher SEQUENCE; the next send (or export)
    /// carries METHOD:CANCEL to everyone who was invited. Returns the new SEQUENCE.
    pub fn cancel_own_event(&mut self, uid: &str) -> Result<i64> {
        let ev = self.own_event_row(uid)?;
        if ev.cancelled {
            return Ok(ev.sequence);
        }
        let (tx, t) = self.begin()?;
        exec(
            &tx,
            "UPDATE events SET status = 'cancelled', sequence = sequence + 1, dtstamp = ?2,
                 updated_at = ?2 WHERE id = ?1",
            params![ev.id, t],
        )?;
        journal(&tx, Entity::Event, uid, "upsert", &t)?;
        tx.commit()?;
        Ok(ev.sequence + 1)
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::model::OwnEventInput;

    #[test]
    fn own_events_are_listed_and_changes_raise_the_sequence() {
        let mut s = Store::open_in_memory().unwrap();
        let input = OwnEventInput {
            title: "OZG-Erfahrungsaustausch Frühjahr 2027".into(),
            start: "2027-03-27T09:30".into(),
            end: "2027-03-28T16:00".into(),
            location: Some("Erfurt".into()),
            ..Default::default()
        };
        let ev = s.create_own_event(&input).unwrap();
        assert!(ev.uid.ends_with("@vernetzt"));
        let from = chrono::DateTime::parse_from_rfc3339("2027-03-01T00:00:00Z")
            .unwrap()
            .into();
        let to = chrono::DateTime::parse_from_rfc3339("2027-04-01T00:00:00Z")
            .unwrap()
            .into();
        let occ = s
            .occurrences(from, to, None, chrono_tz::Tz::Europe__Berlin)
            .unwrap();
        assert_eq!(
            (occ[0].start.as_str(), occ[0].end.as_str()),
            ("2027-03-27T08:30:00Z", "2027-03-28T14:00:00Z")
        );
        let mut same_place = input.clone();
        same_place.description = Some("Agenda folgt".into());
        assert_eq!(
            s.update_own_event(&ev.uid, &same_place).unwrap(),
            0,
            "no new time or place"
        );
        let mut moved = same_place.clone();
        moved.location = Some("Weimar".into());
        assert_eq!(s.update_own_event(&ev.uid, &moved).unwrap(), 1);
        let (back, seq) = s.own_event(&ev.uid).unwrap();
        assert_eq!(
            (back.start.as_str(), back.end.as_str(), seq),
            ("2027-03-27T09:30", "2027-03-28T16:00", 1)
        );
        let bad = OwnEventInput {
            title: "x".into(),
            start: "2027-03-28T10:00".into(),
            end: "2027-03-28T09:00".into(),
            ..Default::default()
        };
        assert_eq!(
            s.create_own_event(&bad).unwrap_err().validation_detail(),
            Some(("end_before_start", "end"))
        );
        assert!(
            s.pending_changes()
                .unwrap()
                .iter()
                .any(|j| j.entity == "event")
        );
    }
}
