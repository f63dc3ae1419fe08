//! Recurrence (RRULE, RDATE, EXDATE) expanded into occurrences for a window, with bounded work.
//!
//! The rule arithmetic (BYDAY with ordinals, BYSETPOS, BYMONTHDAY, COUNT, UNTIL, …) is the `rrule`
//! crate's; this module feeds it the start in the event's own IANA zone (so a weekly 10:00 meeting
//! stays at 10:00 across DST), and caps how far it walks, so a hostile `FREQ=SECONDLY` from the
//! year 1 costs a bounded number of steps instead of a hang.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// Most steps taken through one rule for one window.
pub const MAX_STEPS: usize = 50_000;
/// Most occurrences of one event returned for one window.
pub const MAX_OCCURRENCES: usize = 5_000;

/// The start of a recurring event, as the rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// An all-day event: recurrence runs over dates.
    Date(NaiveDate),
    /// A timed event in an IANA zone (floating times are given the user's zone).
    Zoned(NaiveDateTime, Tz),
    /// A timed event in UTC.
    Utc(DateTime<Utc>),
}

/// One instant of a recurrence set, in the form RDATE/EXDATE give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// A date (for all-day events).
    Date(NaiveDate),
    /// An instant in UTC.
    Utc(DateTime<Utc>),
}

/// What expansion produced: occurrence starts (UTC; for all-day events midnight UTC of the date)
/// and whether the caps cut it short.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// Starts of the occurrences that overlap the window, in order.
    pub starts: Vec<DateTime<Utc>>,
    /// True when [`MAX_STEPS`] or [`MAX_OCCURRENCES`] stopped the walk.
    pub truncated: bool,
}

fn rr_tz(tz: Tz) -> rrule::Tz {
    rrule::Tz::Tz(tz)
}

fn date_utc(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
}

/// Brings UNTIL into the form RFC 5545 asks for, which the `rrule` crate insists on: in UTC when
/// DTSTART has a zone or is a date (all-day rules run on midnight UTC). Producers write floating or date UNTILs
/// (as in `UNTIL=20280301T235959` with a floating start); read as the event's own local time.
fn normalize_until(rule: &str, anchor: Anchor) -> String {
    rule.split(';')
        .map(|part| {
            let Some((key, value)) = part.split_once('=') else {
                return part.to_string();
            };
            if !key.trim().eq_ignore_ascii_case("UNTIL") {
                return part.to_string();
            }
            let v = value.trim();
            let local =
                NaiveDateTime::parse_from_str(v.trim_end_matches(['Z', 'z']), "%Y%m%dT%H%M%S").ok();
            let date = NaiveDate::parse_from_str(v, "%Y%m%d").ok();
            let utc = |t: DateTime<Utc>| format!("UNTIL={}", t.format("%Y%m%dT%H%M%SZ"));
            match (anchor, local, date, v.ends_with(['Z', 'z'])) {
                // All-day rules run on midnight UTC here (see `build`), so UNTIL is the end of its day.
                (Anchor::Date(_), Some(l), _, _) => format!("UNTIL={}T235959Z", l.format("%Y%m%d")),
                (Anchor::Date(_), None, Some(d), _) => {
                    format!("UNTIL={}T235959Z", d.format("%Y%m%d"))
                }
                (Anchor::Zoned(_, tz), Some(l), _, false) => utc(super::zone::local_to_utc(l, tz)),
                (Anchor::Zoned(_, tz), None, Some(d), _) => utc(super::zone::local_to_utc(
                    d.and_hms_opt(23, 59, 59).expect("valid"),
                    tz,
                )),
                (Anchor::Utc(_), None, Some(d), _) => {
                    utc(Utc.from_utc_datetime(&d.and_hms_opt(23, 59, 59).expect("valid")))
                }
                (Anchor::Utc(_), Some(l), _, false) => utc(Utc.from_utc_datetime(&l)),
                _ => part.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// Checks an RRULE value against `anchor`; `Err` names what is wrong.
pub fn validate(rrule: &str, anchor: Anchor) -> Result<(), String> {
    build(rrule, anchor, &[], &[]).map(|_| ())
}

fn build(
    rrule: &str,
    anchor: Anchor,
    rdates: &[Instant],
    exdates: &[Instant],
) -> Result<rrule::RRuleSet, String> {
    let (dtstart, tz) = match anchor {
        Anchor::Date(d) => (
            rr_tz(Tz::UTC).from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight")),
            Tz::UTC,
        ),
        Anchor::Utc(t) => (rr_tz(Tz::UTC).from_utc_datetime(&t.naive_utc()), Tz::UTC),
        Anchor::Zoned(local, tz) => {
            let utc = super::zone::local_to_utc(local, tz);
            (rr_tz(tz).from_utc_datetime(&utc.naive_utc()), tz)
        }
    };
    // An RRULE is ASCII by RFC 5545; the rrule crate (0.14) slices BYDAY values by bytes and
    // panics on a multi-byte character (found by fuzzing), so anything else is refused here.
    if !rrule.is_ascii() {
        return Err("the RRULE holds characters other than ASCII".into());
    }
    let rule = rrule::RRule::<rrule::Unvalidated>::from_str(&normalize_until(rrule.trim(), anchor))
        .map_err(|e| e.to_string())?;
    let at = |i: &Instant| match i {
        Instant::Date(d) => rr_tz(tz).from_utc_datetime(&date_utc(*d).naive_utc()),
        Instant::Utc(t) => rr_tz(tz).from_utc_datetime(&t.naive_utc()),
    };
    // RFC 5545 §3.8.5.3: DTSTART always counts as the first occurrence, also when the rule would
    // not produce it (a meeting started on a Monday with BYDAY=-1FR). The rrule crate, like
    // dateutil, skips such a start; we add it, and let COUNT include it.
    let first = rule.clone().build(dtstart).map_err(|e| e.to_string())?;
    let synced = (&first).into_iter().next() == Some(dtstart);
    let count = first.get_rrule().first().and_then(|r| r.get_count());
    let mut all_rdates: Vec<_> = rdates.iter().map(at).collect();
    let set = if synced {
        first
    } else {
        all_rdates.push(dtstart);
        match count {
            Some(1) => rrule::RRuleSet::new(dtstart),
            Some(n) => rule
                .count(n - 1)
                .build(dtstart)
                .map_err(|e| e.to_string())?,
            None => first,
        }
    };
    Ok(set
        .set_rdates(all_rdates)
        .set_exdates(exdates.iter().map(at).collect()))
}

/// Occurrence starts of a recurring event whose occurrences last `duration` and overlap
/// `[from, to)`. An RRULE that cannot be read is an `Err` naming the problem.
pub fn expand(
    rrule: Option<&str>,
    anchor: Anchor,
    duration: chrono::Duration,
    rdates: &[Instant],
    exdates: &[Instant],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Expansion, String> {
    let mut out = Expansion::default();
    let push = |start: DateTime<Utc>, out: &mut Expansion| {
        if start < to && start + duration > from
            || (duration.is_zero() && start >= from && start < to)
        {
            out.starts.push(start);
        }
    };
    match rrule {
        Some(r) => {
            let set = build(r, anchor, rdates, exdates)?;
            for (n, dt) in (&set).into_iter().enumerate() {
                if n >= MAX_STEPS || out.starts.len() >= MAX_OCCURRENCES {
                    out.truncated = true;
                    break;
                }
                let start = dt.with_timezone(&Utc);
                if start >= to {
                    break;
                }
                if out.starts.last() != Some(&start) {
                    push(start, &mut out);
                }
            }
        }
        None => {
            // RDATEs without an RRULE: the start itself plus each RDATE, minus EXDATEs.
            let first = match anchor {
                Anchor::Date(d) => date_utc(d),
                Anchor::Utc(t) => t,
                Anchor::Zoned(l, tz) => super::zone::local_to_utc(l, tz),
            };
            let as_utc = |i: &Instant| match i {
                Instant::Date(d) => date_utc(*d),
                Instant::Utc(t) => *t,
            };
            let ex: Vec<_> = exdates.iter().map(as_utc).collect();
            let mut all: Vec<_> = std::iter::once(first)
                .chain(rdates.iter().map(as_utc))
                .filter(|s| !ex.contains(s))
                .collect();
            all.sort();
            all.dedup();
            for s in all.into_iter().take(MAX_OCCURRENCES) {
                push(s, &mut out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// A wall-clock start in Berlin, where the users' events are.
    fn berlin(y: i32, m: u32, d: u32, h: u32, min: u32) -> Anchor {
        let local = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap();
        Anchor::Zoned(local, Tz::Europe__Berlin)
    }

    /// Expands `rule` (no RDATEs) in the window `[from, to)`.
    fn run(
        rule: &str,
        anchor: Anchor,
        duration: chrono::Duration,
        exdates: &[Instant],
        (from, to): (&str, &str),
    ) -> Result<Expansion, String> {
        expand(
            Some(rule),
            anchor,
            duration,
            &[],
            exdates,
            utc(from),
            utc(to),
        )
    }

    /// The occurrences' start dates (UTC), `YYYY-MM-DD`.
    fn dates(e: &Expansion) -> Vec<String> {
        e.starts
            .iter()
            .map(|t| t.date_naive().to_string())
            .collect()
    }

    const Y2026: (&str, &str) = ("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    const Y2026_27: (&str, &str) = ("2026-01-01T00:00:00Z", "2028-01-01T00:00:00Z");

    #[test]
    fn weekly_meeting_keeps_local_time_across_dst() {
        let anchor = berlin(2026, 3, 19, 10, 0);
        let e = run(
            "FREQ=WEEKLY;COUNT=3",
            anchor,
            chrono::Duration::hours(1),
            &[],
            Y2026,
        )
        .unwrap();
        let s: Vec<_> = e.starts.iter().map(|t| t.to_rfc3339()).collect();
        assert_eq!(
            s,
            [
                "2026-03-19T09:00:00+00:00",
                "2026-03-26T09:00:00+00:00",
                "2026-04-02T08:00:00+00:00"
            ]
        );
    }

    #[test]
    fn bysetpos_and_exdate() {
        // Last weekday of the month, minus the one in February.
        let ex = [Instant::Utc(utc("2026-02-27T08:00:00Z"))];
        let e = run(
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3",
            berlin(2026, 1, 30, 9, 0),
            chrono::Duration::hours(1),
            &ex,
            Y2026,
        )
        .unwrap();
        assert_eq!(dates(&e), ["2026-01-30", "2026-03-31"]);
    }

    #[test]
    fn hostile_rules_cost_bounded_work() {
        let t0 = std::time::Instant::now();
        let e = run(
            "FREQ=SECONDLY",
            Anchor::Utc(utc("1900-01-01T00:00:00Z")),
            chrono::Duration::seconds(1),
            &[],
            Y2026,
        )
        .unwrap();
        assert!(e.truncated && e.starts.is_empty());
        assert!(t0.elapsed() < std::time::Duration::from_secs(5));
        assert!(
            run(
                "FREQ=FORTNIGHTLY",
                Anchor::Utc(utc("2026-01-01T00:00:00Z")),
                chrono::Duration::zero(),
                &[],
                Y2026
            )
            .is_err()
        );
    }

    #[test]
    fn dtstart_off_the_rule_counts_as_the_first_occurrence() {
        // A Monday start with "last Friday of the month", COUNT=3: the Monday, then two Fridays.
        let anchor = berlin(2026, 11, 16, 10, 0);
        let hour = chrono::Duration::hours(1);
        let e = run(
            "FREQ=MONTHLY;COUNT=3;BYDAY=-1FR",
            anchor,
            hour,
            &[],
            Y2026_27,
        )
        .unwrap();
        assert_eq!(dates(&e), ["2026-11-16", "2026-11-27", "2026-12-25"]);
        // Excluded by EXDATE: then it is gone like any other occurrence.
        let ex = [Instant::Utc(utc("2026-11-16T09:00:00Z"))];
        let rule = "FREQ=MONTHLY;UNTIL=20261231T000000Z;BYDAY=-1FR";
        let e = run(rule, anchor, hour, &ex, Y2026_27).unwrap();
        assert_eq!(e.starts.len(), 2);
    }

    #[test]
    fn interval_until_and_bymonthday() {
        let e = run(
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15;UNTIL=20260715T120000Z",
            berlin(2026, 1, 15, 14, 0),
            chrono::Duration::hours(2),
            &[],
            Y2026,
        )
        .unwrap();
        assert_eq!(
            dates(&e),
            ["2026-01-15", "2026-03-15", "2026-05-15", "2026-07-15"],
            "UNTIL (12:00 UTC, 14:00 in Berlin) is inclusive"
        );
    }

    #[test]
    fn until_in_the_wrong_form_is_read_as_local() {
        let anchor = berlin(2026, 3, 2, 10, 45);
        let window = ("2026-01-01T00:00:00Z", "2029-01-01T00:00:00Z");
        let three_hours = chrono::Duration::hours(3);
        let floating = run(
            "FREQ=MONTHLY;UNTIL=20260601T235959;BYMONTHDAY=2",
            anchor,
            three_hours,
            &[],
            window,
        )
        .unwrap();
        assert_eq!(
            floating.starts.len(),
            3,
            "March to May: June 2 is after June 1, 23:59:59"
        );
        let rule = "FREQ=MONTHLY;UNTIL=20260602;BYMONTHDAY=2";
        let date = run(rule, anchor, three_hours, &[], window).unwrap();
        assert_eq!(date.starts.len(), 4, "a date UNTIL includes that day");
        let all_day = run(
            "FREQ=YEARLY;UNTIL=20280101T000000Z",
            Anchor::Date(NaiveDate::from_ymd_opt(2026, 10, 3).unwrap()),
            chrono::Duration::days(1),
            &[],
            window,
        )
        .unwrap();
        assert_eq!(all_day.starts.len(), 2);
    }

    #[test]
    fn all_day_yearly() {
        let e = run(
            "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=3",
            Anchor::Date(NaiveDate::from_ymd_opt(1990, 10, 3).unwrap()),
            chrono::Duration::days(1),
            &[],
            Y2026_27,
        )
        .unwrap();
        assert_eq!(dates(&e), ["2026-10-03", "2027-10-03"]);
    }
}
