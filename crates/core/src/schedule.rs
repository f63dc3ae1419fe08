//! When to sync a feed next: pure functions over stored data and a time passed in.
//!
//! A feed is synced at start, then every `refresh_minutes` (30 by default). After a failure the
//! next try backs off: 1, 2, 4, 8 … minutes, never later than the regular interval, so a server
//! that is down is not hammered and a feed that comes back is picked up soon.

use crate::model::Feed;
use chrono::{DateTime, Duration, Utc};

/// The moment feed `f` is due; `None` means "now" (never attempted).
pub fn next_due(f: &Feed) -> Option<DateTime<Utc>> {
    let last = f
        .last_attempt_at
        .as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())?
        .with_timezone(&Utc);
    let regular = Duration::minutes(f.refresh_minutes.max(1));
    let wait = if f.failures <= 0 {
        regular
    } else {
        let exp = (f.failures - 1).min(20) as u32;
        Duration::minutes(1i64 << exp).min(regular)
    };
    Some(last + wait)
}

/// Ids of the feeds due at `now` (only `https`/loopback feeds; imported files are not polled).
pub fn due(feeds: &[Feed], now: DateTime<Utc>) -> Vec<i64> {
    feeds
        .iter()
        .filter(|f| !f.url.starts_with("file://"))
        .filter(|f| next_due(f).is_none_or(|t| t <= now))
        .map(|f| f.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeedAuth;

    fn feed(last: Option<&str>, failures: i64) -> Feed {
        Feed {
            id: 1,
            uid: "u".into(),
            url: "https://x.example/f.ics".into(),
            name: "X".into(),
            auth: FeedAuth::None,
            last_success_at: None,
            last_attempt_at: last.map(String::from),
            last_error: None,
            last_counts: None,
            failures,
            refresh_minutes: 30,
            etag: None,
            last_modified: None,
            events: 0,
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn regular_interval_and_backoff() {
        assert_eq!(
            due(&[feed(None, 0)], t("2026-11-22T08:00:00Z")),
            vec![1],
            "never synced: now"
        );
        let ok = feed(Some("2026-11-22T08:00:00Z"), 0);
        assert!(due(std::slice::from_ref(&ok), t("2026-11-22T08:29:00Z")).is_empty());
        assert_eq!(due(&[ok], t("2026-11-22T08:30:00Z")), vec![1]);
        let waits: Vec<i64> = (1..=7)
            .map(|n| {
                (next_due(&feed(Some("2026-11-22T08:00:00Z"), n)).unwrap()
                    - t("2026-11-22T08:00:00Z"))
                .num_minutes()
            })
            .collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 30, 30]);
        let mut file = feed(None, 0);
        file.url = "file:///tmp/x.ics".into();
        assert!(due(&[file], t("2026-11-22T08:00:00Z")).is_empty());
    }
}
