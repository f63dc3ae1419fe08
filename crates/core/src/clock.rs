//! The clock the core reads the time from.
//!
//! Why: every write stamps a time (`updated_at`, the change journal, a merge's undo record), and
//! a test that wants to see those stamps, or their order, cannot wait for the wall clock. So the
//! store holds a [`Clock`] (the system clock unless a caller sets another), and nothing else in
//! the core reads the time: `crates/core/clippy.toml` bans `Utc::now` and its kin everywhere but
//! [`SystemClock`].

use chrono::{DateTime, SecondsFormat, Utc};
use std::sync::{Arc, Mutex};

/// A source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The time as the store writes it: RFC 3339, UTC, milliseconds (`2026-12-03T14:00:00.000Z`).
/// Text of this shape sorts in time order, which the queries rely on.
pub fn stored(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The operating system's clock, the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place in the core that reads the system clock; everything else asks a `Clock`.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock for tests: it shows a set time and, if given a step, moves on by it after each read
/// (so consecutive writes get distinct, ordered times).
#[derive(Debug)]
pub struct FixedClock {
    at: Mutex<DateTime<Utc>>,
    step: chrono::Duration,
}

impl FixedClock {
    /// A clock that always shows `at`.
    pub fn at(at: DateTime<Utc>) -> FixedClock {
        FixedClock::stepping(at, chrono::Duration::zero())
    }

    /// A clock that shows `start`, then `start + step`, `start + 2 step`, … one per read.
    pub fn stepping(start: DateTime<Utc>, step: chrono::Duration) -> FixedClock {
        FixedClock {
            at: Mutex::new(start),
            step,
        }
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        *self.at.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        let mut at = self.at.lock().unwrap_or_else(|e| e.into_inner());
        let now = *at;
        *at = now + self.step;
        now
    }
}

/// A shared clock is a clock, so a test can keep a handle to the clock it gave the store.
impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn fixed_and_stepping() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let fixed = FixedClock::at(t);
        assert_eq!((fixed.now(), fixed.now()), (t, t));
        let step = FixedClock::stepping(t, chrono::Duration::seconds(1));
        assert_eq!(step.now(), t);
        assert_eq!(step.now(), t + chrono::Duration::seconds(1));
        step.set(t);
        assert_eq!(stored(step.now()), "2026-03-01T09:00:00.000Z");
    }
}
