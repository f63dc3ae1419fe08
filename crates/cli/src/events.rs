//! `vernetzt events …`: create and change events you organise, and list occurrences from the
//! feeds and your own events in a window.

use crate::Failure;
use crate::output::{Outcome, Output};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use vernetzt_core::Store;
use vernetzt_core::ical::zone::date_start_utc;
use vernetzt_core::model::OwnEventInput;

/// The fields of an own event as options, shared by `create` and `update`.
#[derive(Args)]
pub struct OwnEventArgs {
    /// Title.
    #[arg(long)]
    title: Option<String>,
    /// Start: local YYYY-MM-DDTHH:MM in --tz, or YYYY-MM-DD for all day.
    #[arg(long)]
    start: Option<String>,
    /// End (exclusive for dates), same form.
    #[arg(long)]
    end: Option<String>,
    /// IANA time zone (default Europe/Berlin).
    #[arg(long)]
    tz: Option<String>,
    /// Place.
    #[arg(long)]
    location: Option<String>,
    /// Description.
    #[arg(long)]
    description: Option<String>,
    /// Link (online meeting).
    #[arg(long)]
    url: Option<String>,
}

/// `vernetzt events …`.
#[derive(Subcommand)]
pub enum EventsCmd {
    /// Create an event you organise; prints it with its UID.
    Create(OwnEventArgs),
    /// Change an event you organise (a new time or place raises its SEQUENCE).
    Update {
        uid: String,
        #[command(flatten)]
        fields: OwnEventArgs,
    },
    /// Occurrences in a window, in start order.
    List {
        /// From this date (YYYY-MM-DD, in your time zone) or RFC 3339 time; default today.
        #[arg(long)]
        from: Option<String>,
        /// Until this date (exclusive) or time; default a year after --from.
        #[arg(long)]
        to: Option<String>,
        /// Only this feed.
        #[arg(long)]
        feed: Option<i64>,
    },
}

/// A window bound: an RFC 3339 time, or a date's start in the user's zone.
fn parse_when(s: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, Failure> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| date_start_utc(d, zone))
        .map_err(|_| {
            Failure::Usage(format!(
                "'{s}' is neither a date (YYYY-MM-DD) nor an RFC 3339 time"
            ))
        })
}

/// `base` with the fields given on the command line replaced.
fn own_event_input(base: OwnEventInput, a: OwnEventArgs) -> OwnEventInput {
    OwnEventInput {
        title: a.title.unwrap_or(base.title),
        start: a.start.unwrap_or(base.start),
        end: a.end.unwrap_or(base.end),
        tz: a.tz.or(base.tz),
        location: a.location.or(base.location),
        description: a.description.or(base.description),
        url: a.url.or(base.url),
    }
}

/// Runs `vernetzt events …`.
pub fn run(store: &mut Store, cmd: EventsCmd) -> Outcome {
    let (from, to, feed) = match cmd {
        EventsCmd::Create(a) => {
            let ev = store.create_own_event(&own_event_input(Default::default(), a))?;
            let (input, sequence) = store.own_event(&ev.uid)?;
            return Ok(Output::line(
                &serde_json::json!({ "uid": ev.uid, "title": ev.title, "start": ev.start, "sequence": sequence, "event": input }),
                format_args!("created {} ({})", ev.title, ev.uid),
            ));
        }
        EventsCmd::Update { uid, fields } => {
            let (current, _) = store.own_event(&uid)?;
            let sequence = store.update_own_event(&uid, &own_event_input(current, fields))?;
            let (input, _) = store.own_event(&uid)?;
            return Ok(Output::line(
                &serde_json::json!({ "uid": uid, "sequence": sequence, "event": input }),
                format_args!("updated {uid} (sequence {sequence})"),
            ));
        }
        EventsCmd::List { from, to, feed } => (from, to, feed),
    };
    let zone = store.user_zone();
    let from = match from {
        Some(f) => parse_when(&f, zone)?,
        None => date_start_utc(Utc::now().with_timezone(&zone).date_naive(), zone),
    };
    let to = match to {
        Some(t) => parse_when(&t, zone)?,
        None => from + chrono::Duration::days(365),
    };
    let listing = store.occurrence_list(from, to, feed, zone)?;
    let list = listing.occurrences;
    let out = Output::list(&list, |o| {
        let mark = match o.status.as_str() {
            "cancelled" => " [abgesagt]",
            "removed" => " [nicht mehr im Kalender]",
            "tentative" => " [vorläufig]",
            _ => "",
        };
        format!(
            "{}  {}{}  {}",
            o.start,
            o.title,
            mark,
            o.location.as_deref().unwrap_or("")
        )
    });
    Ok(if listing.truncated {
        out.note(format_args!(
            "only the first {} occurrences are listed; choose a shorter period (--from, --to) or one feed (--feed)",
            list.len()
        ))
    } else {
        out
    })
}
