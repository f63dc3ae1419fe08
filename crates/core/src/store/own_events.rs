//! Events the user organises (the start of invitations): created and changed here, listed with
//! the feeds' events, and journaled for the calendar sync. A change of time or place raises the
//! SEQUENCE, as RFC 5546 asks, so updates sent to invitees replace the old version.

use super::events::start_local;
use super::{Entity, Store, journal, now};
use crate::error::{Error, Result};
use crate::ical::event::When;
use crate::model::{EventRef, OwnEventInput};
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use rusqlite::{OptionalExtension, params};

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
    if input.title.trim().is_empty() || input.title.chars().count() > 500 {
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

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

impl Store {
    /// Creates an own event; returns how to address it (its UID is stable from now on).
    pub fn create_own_event(&mut self, input: &OwnEventInput) -> Result<EventRef> {
        let (start, end, tz) = checked(input)?;
        let t = now();
        let uid = format!("{}@vernetzt", super::new_uid());
        let tx = self.write()?;
        super::exec(
            &tx,
            "INSERT INTO events(uid, title, description, location, url, start_utc, end_utc, start_local,
                 tzid, all_day, status, sequence, dtstamp, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'confirmed', 0, ?11, ?11, ?11)",
            params![
                uid, input.title.trim(), clean(&input.description), clean(&input.location), clean(&input.url),
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
        let t = now();
        let tx = self.write()?;
        let (id, old_start, old_end, old_loc, seq): (i64, String, String, Option<String>, i64) = tx
            .query_row(
                "SELECT id, start_utc, end_utc, location, sequence FROM events
                 WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL",
                [uid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found("own event", uid))?;
        let moved = old_start != start.stored()
            || old_end != end.stored()
            || old_loc != clean(&input.location);
        let sequence = if moved { seq + 1 } else { seq };
        super::exec(
            &tx,
            "UPDATE events SET title = ?2, description = ?3, location = ?4, url = ?5, start_utc = ?6,
                 end_utc = ?7, start_local = ?8, tzid = ?9, all_day = ?10, sequence = ?11, dtstamp = ?12,
                 updated_at = ?12
             WHERE id = ?1",
            params![
                id, input.title.trim(), clean(&input.description), clean(&input.location), clean(&input.url),
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
        self.conn
            .query_row(
                "SELECT title, start_utc, end_utc, start_local, tzid, all_day, location, description, url, sequence
                 FROM events WHERE uid = ?1 AND feed_id IS NULL AND deleted_at IS NULL",
                [uid],
                |r| {
                    let all_day: bool = r.get(5)?;
                    let tz: Option<String> = r.get(4)?;
                    let local: Option<String> = r.get(3)?;
                    let end_utc: String = r.get(2)?;
                    let (start, end) = if all_day {
                        (r.get::<_, String>(1)?, end_utc)
                    } else {
                        let zone: Tz = tz.as_deref().and_then(|z| z.parse().ok()).unwrap_or(Tz::Europe__Berlin);
                        let end_local = chrono::DateTime::parse_from_rfc3339(&end_utc)
                            .map(|e| e.with_timezone(&zone).format("%Y-%m-%dT%H:%M").to_string())
                            .unwrap_or(end_utc);
                        (local.map(|l| l[..16].to_string()).unwrap_or_default(), end_local)
                    };
                    Ok((
                        OwnEventInput { title: r.get(0)?, start, end, tz, location: r.get(6)?, description: r.get(7)?, url: r.get(8)? },
                        r.get(9)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| Error::not_found("own event", uid))
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
