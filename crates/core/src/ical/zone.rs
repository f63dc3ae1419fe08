//! Time zones of iCalendar data: TZIDs as producers write them, to IANA zones.
//!
//! Feeds name zones in many ways: IANA (`Europe/Berlin`), with a vendor prefix
//! (`/mozilla.org/20050126_1/Europe/Berlin`), by Windows name (`W. Europe Standard Time`, from
//! Outlook and Exchange), by Outlook display name (`(UTC+01:00) Amsterdam, Berlin, Bern, …`), or
//! with a custom name that only the file's VTIMEZONE explains. We resolve each to an IANA zone, so
//! recurrence and DST are computed from the tz database rather than from whatever rules a file
//! carries; a VTIMEZONE is used only to identify the zone (by `X-LIC-LOCATION`, or by its offsets).

use super::parse::Component;
use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::str::FromStr;

const WINDOWS_CSV: &str = include_str!("../../../../assets/tz/windows-zones.csv");

/// Windows zone name → IANA zone, from CLDR (see `assets/tz/README.md`).
fn windows_zone(name: &str) -> Option<Tz> {
    WINDOWS_CSV
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(';'))
        .find(|(w, _)| w.eq_ignore_ascii_case(name))
        .and_then(|(_, iana)| Tz::from_str(iana).ok())
}

/// Resolves a TZID by name alone (no VTIMEZONE needed).
pub fn resolve_name(tzid: &str) -> Option<Tz> {
    let t = tzid.trim().trim_matches('"').trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(tz) = Tz::from_str(t) {
        return Some(tz);
    }
    if let Some(tz) = chrono_tz::TZ_VARIANTS
        .iter()
        .find(|z| z.name().eq_ignore_ascii_case(t))
    {
        return Some(*tz);
    }
    // Vendor prefixes: try every suffix after a '/'.
    for (i, _) in t.match_indices('/') {
        if let Ok(tz) = Tz::from_str(&t[i + 1..]) {
            return Some(tz);
        }
    }
    if let Some(tz) = windows_zone(t) {
        return Some(tz);
    }
    // Outlook display names: "(UTC+01:00) Amsterdam, Berlin, Bern, Rom, Stockholm, Wien".
    if let Some((_, cities)) = t.split_once(')') {
        for city in cities.split(',') {
            let city = city.trim().replace(' ', "_");
            if city.is_empty() {
                continue;
            }
            if let Some(tz) = chrono_tz::TZ_VARIANTS.iter().find(|z| {
                z.name()
                    .rsplit('/')
                    .next()
                    .is_some_and(|c| c.eq_ignore_ascii_case(&city))
            }) {
                return Some(*tz);
            }
        }
    }
    None
}

/// Parses a UTC offset `+0100`, `-0530`, `+013045`.
fn parse_offset(v: &str) -> Option<i32> {
    let v = v.trim();
    let (sign, digits) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits[0..2].parse().ok()?;
    let m: i32 = digits[2..4].parse().ok()?;
    let s: i32 = if digits.len() == 6 {
        digits[4..6].parse().ok()?
    } else {
        0
    };
    (h < 24 && m < 60 && s < 60).then_some(sign * (h * 3600 + m * 60 + s))
}

/// Finds an IANA zone whose offsets in January and July of `year` match a VTIMEZONE's standard
/// and daylight offsets; European zones first (our users' default), Berlin first among them.
fn zone_by_offsets(standard: i32, daylight: Option<i32>, year: i32) -> Option<Tz> {
    let offset_at = |tz: &Tz, month: u32| {
        let t = Utc.with_ymd_and_hms(year, month, 15, 12, 0, 0).single()?;
        Some(
            tz.offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    };
    let (winter, summer) = match daylight {
        Some(d) if d != standard => (standard.min(d), standard.max(d)),
        _ => (standard, standard),
    };
    let preferred = [
        Tz::Europe__Berlin,
        Tz::Europe__London,
        Tz::America__New_York,
    ];
    let candidates = preferred
        .iter()
        .chain(
            chrono_tz::TZ_VARIANTS
                .iter()
                .filter(|z| z.name().starts_with("Europe/")),
        )
        .chain(chrono_tz::TZ_VARIANTS.iter());
    for tz in candidates {
        let (jan, jul) = (offset_at(tz, 1)?, offset_at(tz, 7)?);
        let north = (jan, jul) == (winter, summer);
        let south = (jan, jul) == (summer, winter);
        if north || south {
            return Some(*tz);
        }
    }
    None
}

/// The zones a calendar uses, resolved once per TZID.
#[derive(Debug, Default)]
pub struct Zones {
    by_tzid: HashMap<String, Option<Tz>>,
}

impl Zones {
    /// Reads the VTIMEZONE components of `calendar` and resolves every TZID they define.
    pub fn from_calendar(calendar: &Component, year: i32) -> Zones {
        let mut zones = Zones::default();
        for vtz in calendar.children.iter().filter(|c| c.name == "VTIMEZONE") {
            let Some(tzid) = vtz.prop("TZID").map(|p| p.value.trim().to_string()) else {
                continue;
            };
            let resolved = resolve_name(&tzid)
                .or_else(|| {
                    vtz.prop("X-LIC-LOCATION")
                        .and_then(|p| resolve_name(&p.value))
                })
                .or_else(|| {
                    let offset = |name: &str| {
                        vtz.children
                            .iter()
                            .rfind(|c| c.name == name)
                            .and_then(|c| c.prop("TZOFFSETTO"))
                            .and_then(|p| parse_offset(&p.value))
                    };
                    zone_by_offsets(
                        offset("STANDARD").or(offset("DAYLIGHT"))?,
                        offset("DAYLIGHT"),
                        year,
                    )
                });
            zones.by_tzid.insert(tzid, resolved);
        }
        zones
    }

    /// The IANA zone for `tzid`, or `None` when neither its name nor a VTIMEZONE identifies it.
    pub fn resolve(&self, tzid: &str) -> Option<Tz> {
        match self.by_tzid.get(tzid.trim()) {
            Some(z) => *z,
            None => resolve_name(tzid),
        }
    }
}

/// Local time in `tz` → UTC, by RFC 5545 §3.3.5: a time in a DST gap is read with the offset
/// before the gap (02:30 on the spring-forward night in Berlin is 01:30 UTC), a time that occurs
/// twice means the first occurrence.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            let before = local - chrono::Duration::hours(12);
            let offset = tz
                .from_local_datetime(&before)
                .earliest()
                .map(|t| t.offset().fix().local_minus_utc())
                .unwrap_or(0);
            DateTime::from_naive_utc_and_offset(
                local - chrono::Duration::seconds(offset.into()),
                Utc,
            )
        }
    }
}

/// A date at midnight in `tz`, as UTC (for all-day events shown on a timeline).
pub fn date_start_utc(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_to_utc(date.and_hms_opt(0, 0, 0).expect("midnight exists"), tz)
}

/// Year of `t`, used to pick the DST rules when identifying a zone by its offsets.
pub fn year_of(t: DateTime<Utc>) -> i32 {
    t.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_producers_write_them() {
        for name in [
            "Europe/Berlin",
            "europe/berlin",
            "/mozilla.org/20050126_1/Europe/Berlin",
            "W. Europe Standard Time",
            "\"W. Europe Standard Time\"",
            "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        ] {
            assert_eq!(
                resolve_name(name).map(|t| t.name()),
                Some(match name {
                    n if n.contains("Amsterdam") => "Europe/Amsterdam",
                    _ => "Europe/Berlin",
                }),
                "{name}"
            );
        }
        assert_eq!(
            resolve_name("Pacific Standard Time"),
            Some(Tz::America__Los_Angeles)
        );
        assert_eq!(resolve_name("Nowhere/Special"), None);
    }

    #[test]
    fn custom_vtimezone_is_identified_by_offsets() {
        let cal = super::super::parse::parse(
            b"BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Customized Time Zone\nBEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\nBEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\nEND:VCALENDAR\n",
        );
        let zones = Zones::from_calendar(&cal.roots[0], 2026);
        assert_eq!(
            zones.resolve("Customized Time Zone"),
            Some(Tz::Europe__Berlin)
        );
    }

    #[test]
    fn gaps_and_overlaps_follow_rfc5545() {
        let berlin = Tz::Europe__Berlin;
        let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(
            local_to_utc(gap, berlin).to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
        let twice = NaiveDate::from_ymd_opt(2026, 10, 25)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(
            local_to_utc(twice, berlin).to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
    }
}
