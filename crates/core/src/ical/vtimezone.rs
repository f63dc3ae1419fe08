//! Writing a VTIMEZONE for an IANA zone, in the shape Outlook and Exchange read.
//!
//! Why yearly rules: Outlook reads a VTIMEZONE as "a standard and a daylight observance, each
//! with a yearly RRULE" (the shape Exchange itself writes). A VTIMEZONE that lists only the
//! offset changes near the event (correct by RFC 5545) makes Outlook show the event an hour
//! off or as "(UTC) Monrovia". So for a zone that changes offset twice a year by a fixed rule,
//! as every German and European zone does, we write exactly that: two observances with
//! `RRULE:FREQ=YEARLY;BYMONTH=…;BYDAY=…`, derived from the zone database and checked against
//! every year of the span (and one on each side). A zone without any change gets one STANDARD
//! observance. A zone whose changes follow no yearly rule (some zones move their changes year
//! by year) keeps the exact list of changes in the span: right for everyone, if less pretty in
//! Outlook.

use super::write::{escape_text, push_line};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// One change of offset: when (UTC), from and to which offset (seconds east of UTC), and the
/// abbreviation in force after it.
#[derive(Debug, Clone, PartialEq)]
struct Change {
    at: DateTime<Utc>,
    from: i32,
    to: i32,
    name: String,
}

impl Change {
    /// The wall-clock time of the change as RFC 5545 wants it in DTSTART: in the offset in
    /// force before the change.
    fn local(&self) -> NaiveDateTime {
        (self.at + Duration::seconds(self.from.into())).naive_utc()
    }

    fn kind(&self) -> &'static str {
        if self.to > self.from {
            "DAYLIGHT"
        } else {
            "STANDARD"
        }
    }
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

fn name_at(tz: Tz, t: DateTime<Utc>) -> String {
    tz.offset_from_utc_datetime(&t.naive_utc()).to_string()
}

/// Every offset change in `[from, to)`, to the minute. Walks day by day (no zone changes twice
/// in a day) and bisects the day of a change, so three years cost about 1,100 look-ups.
fn changes(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Change> {
    let mut out = Vec::new();
    let mut t = from;
    let mut prev = offset_at(tz, t);
    while t < to {
        let next = (t + Duration::days(1)).min(to);
        let off = offset_at(tz, next);
        if off != prev {
            // The offset at `lo` is `prev`, at `hi` it is not: bisect to the minute.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > Duration::minutes(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == prev {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            // Changes fall on whole minutes: the minute `hi` lies in, unless that minute still has
            // the old offset (a change at an odd second, as old LMT offsets have).
            let minute = hi - Duration::seconds(hi.timestamp().rem_euclid(60));
            let at = if offset_at(tz, minute) == prev {
                minute + Duration::minutes(1)
            } else {
                minute
            };
            out.push(Change {
                at,
                from: prev,
                to: offset_at(tz, at),
                name: name_at(tz, at),
            });
            prev = off;
        }
        t = next;
    }
    out
}

/// A yearly rule as RRULE writes it: the month and the n-th (or, with -1, last) weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Yearly {
    month: u32,
    nth: i32,
    weekday: chrono::Weekday,
}

impl Yearly {
    /// The rule a change's local date follows: the last such weekday of the month when no
    /// later one fits in the month ("last Sunday in March"), else the n-th ("second Sunday").
    fn of(date: NaiveDate) -> Yearly {
        let day = date.day();
        let last_day = days_in_month(date.year(), date.month());
        let nth = if day + 7 > last_day {
            -1
        } else {
            ((day - 1) / 7 + 1) as i32
        };
        Yearly {
            month: date.month(),
            nth,
            weekday: date.weekday(),
        }
    }

    /// The date the rule gives in `year`.
    fn in_year(self, year: i32) -> Option<NaiveDate> {
        if self.nth == -1 {
            let last = NaiveDate::from_ymd_opt(year, self.month, days_in_month(year, self.month))?;
            let back = (7 + last.weekday().num_days_from_monday()
                - self.weekday.num_days_from_monday())
                % 7;
            Some(last - Duration::days(back.into()))
        } else {
            NaiveDate::from_weekday_of_month_opt(year, self.month, self.weekday, self.nth as u8)
        }
    }

    fn rrule(self) -> String {
        let day = match self.weekday {
            chrono::Weekday::Mon => "MO",
            chrono::Weekday::Tue => "TU",
            chrono::Weekday::Wed => "WE",
            chrono::Weekday::Thu => "TH",
            chrono::Weekday::Fri => "FR",
            chrono::Weekday::Sat => "SA",
            chrono::Weekday::Sun => "SU",
        };
        format!(
            "RRULE:FREQ=YEARLY;BYMONTH={};BYDAY={}{day}",
            self.month, self.nth
        )
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

fn year_start(year: i32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The zone's two yearly observances, if its `changes` (every change from the start of year
/// `first` to the end of year `last`) follow one rule each in every one of those years (same
/// month, weekday rule, wall-clock time and offsets). `None` when they do not.
fn yearly_observances(changes: &[Change], first: i32, last: i32) -> Option<Vec<(Change, Yearly)>> {
    let in_year =
        |year: i32| -> Vec<&Change> { changes.iter().filter(|c| c.at.year() == year).collect() };
    let template = in_year(first);
    if template.len() != 2 {
        return None;
    }
    let rules: Vec<(Change, Yearly)> = template
        .into_iter()
        .map(|c| (c.clone(), Yearly::of(c.local().date())))
        .collect();
    for year in first + 1..=last {
        let seen = in_year(year);
        if seen.len() != 2 {
            return None;
        }
        for (c, (template, rule)) in seen.iter().zip(&rules) {
            let expected = rule.in_year(year)?.and_time(template.local().time());
            if c.local() != expected || c.from != template.from || c.to != template.to {
                return None;
            }
        }
    }
    Some(rules)
}

fn observance(out: &mut String, c: &Change, rule: Option<Yearly>) {
    let kind = c.kind();
    push_line(out, &format!("BEGIN:{kind}"));
    push_line(
        out,
        &format!("DTSTART:{}", c.local().format("%Y%m%dT%H%M%S")),
    );
    if let Some(rule) = rule {
        push_line(out, &rule.rrule());
    }
    push_line(out, &format!("TZOFFSETFROM:{}", fmt_offset(c.from)));
    push_line(out, &format!("TZOFFSETTO:{}", fmt_offset(c.to)));
    push_line(out, &format!("TZNAME:{}", escape_text(&c.name)));
    push_line(out, &format!("END:{kind}"));
}

/// `+0100`, or `+053730` where the offset has seconds (old LMT offsets).
pub(super) fn fmt_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    if a % 60 == 0 {
        format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
    } else {
        format!("{sign}{:02}{:02}{:02}", a / 3600, (a % 3600) / 60, a % 60)
    }
}

/// A VTIMEZONE for `tz` that is right for every time in `[from, to]`: two observances with
/// yearly rules where the zone has them (the shape Outlook needs, see the module header), one
/// STANDARD observance for a zone without changes, else every change in the span as its own
/// observance plus the offset in force at `from`.
pub fn vtimezone(out: &mut String, tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{}", tz.name()));
    // From the year before `from` to the year after `to`, so the rules hold on both sides.
    let (first, last) = (from.year() - 1, to.year() + 1);
    let around = changes(tz, year_start(first), year_start(last + 1));
    if around.is_empty() {
        let off = offset_at(tz, from);
        let fixed = Change {
            at: year_start(1970) - Duration::seconds(off.into()),
            from: off,
            to: off,
            name: name_at(tz, from),
        };
        observance(out, &fixed, None);
    } else if let Some(rules) = yearly_observances(&around, first, last) {
        for (c, rule) in &rules {
            observance(out, c, Some(*rule));
        }
    } else {
        let start = offset_at(tz, from);
        let before = Change {
            at: from - Duration::days(1),
            from: start,
            to: start,
            name: name_at(tz, from),
        };
        observance(out, &before, None);
        for c in changes(tz, from, to) {
            observance(out, &c, None);
        }
    }
    push_line(out, "END:VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
        let mut out = String::new();
        vtimezone(&mut out, tz, from, to);
        out
    }

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn berlin_gets_the_two_yearly_rules_outlook_expects() {
        let text = written(chrono_tz::Europe::Berlin, at(2027, 6, 1), at(2027, 6, 2));
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"),
            "{text}"
        );
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"),
            "{text}"
        );
        assert_eq!(text.matches("BEGIN:DAYLIGHT").count(), 1, "{text}");
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1, "{text}");
        // The year before the event: 2026-03-29 02:00 CET and 2026-10-25 03:00 CEST.
        assert!(text.contains("DTSTART:20260329T020000\r\n"), "{text}");
        assert!(text.contains("DTSTART:20261025T030000\r\n"), "{text}");
        assert!(
            text.contains("TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"),
            "{text}"
        );
    }

    #[test]
    fn nth_weekday_rules_and_southern_zones() {
        let cases = [
            (
                chrono_tz::America::New_York,
                ["BYMONTH=3;BYDAY=2SU", "BYMONTH=11;BYDAY=1SU"],
            ),
            (
                chrono_tz::Australia::Sydney,
                ["BYMONTH=4;BYDAY=1SU", "BYMONTH=10;BYDAY=1SU"],
            ),
        ];
        for (zone, rules) in cases {
            let text = written(zone, at(2027, 1, 10), at(2027, 1, 11));
            for rule in rules {
                assert!(text.contains(rule), "{zone}: {rule}\n{text}");
            }
        }
    }

    #[test]
    fn a_zone_without_changes_has_one_standard_observance() {
        let text = written(chrono_tz::Asia::Tokyo, at(2027, 6, 1), at(2027, 6, 2));
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1, "{text}");
        assert!(
            !text.contains("DAYLIGHT") && !text.contains("RRULE"),
            "{text}"
        );
        assert!(text.contains("TZOFFSETTO:+0900"), "{text}");
    }

    #[test]
    fn rules_reproduce_every_change_they_claim() {
        for (y, m) in [(2026, 3), (2026, 10), (2030, 3), (2031, 10)] {
            let seen = changes(chrono_tz::Europe::Berlin, year_start(y), year_start(y + 1));
            let c = seen.iter().find(|c| c.local().month() == m).unwrap();
            assert_eq!(
                Yearly::of(c.local().date()).in_year(y),
                Some(c.local().date())
            );
        }
    }
}
