//! `vernetzt attendance …`: who attended which event, your own status, and where you met whom.

use crate::output::{Outcome, Output, lines};
use crate::{Failure, shared};
use clap::{Args, Subcommand};
use vernetzt_core::Store;
use vernetzt_core::model::AttendanceStatus;

/// Which event (and which occurrence of a recurring one) a command is about.
#[derive(Args)]
pub struct EventArg {
    /// The event's UID (as `events list` shows it).
    #[arg(long = "event", value_name = "UID")]
    uid: String,
    /// For a recurring event: the occurrence's start, as `events list` shows it.
    #[arg(long)]
    occurrence: Option<String>,
}

/// `vernetzt attendance …`.
#[derive(Subcommand)]
pub enum AttendanceCmd {
    /// Record your own status, or that a contact attended.
    Mark {
        #[command(flatten)]
        event: EventArg,
        /// Your own status: interested, registered or attended.
        #[arg(long, conflicts_with = "contact", value_name = "STATUS")]
        me: Option<String>,
        /// A contact who attended (with --status for another status).
        #[arg(long, value_name = "ID")]
        contact: Option<i64>,
        /// The contact's status (default attended).
        #[arg(long, requires = "contact")]
        status: Option<String>,
    },
    /// The contacts at an event.
    List {
        #[command(flatten)]
        event: EventArg,
    },
    /// Record where you met a contact ("met at").
    Met {
        #[command(flatten)]
        event: EventArg,
        /// The contact.
        #[arg(long, value_name = "ID")]
        contact: i64,
        /// Session or workshop.
        #[arg(long)]
        session: Option<String>,
        /// A note.
        #[arg(long)]
        note: Option<String>,
    },
}

fn parse_status(s: &str) -> Result<AttendanceStatus, Failure> {
    let choices = "interested, registered or attended";
    shared::choice(s, AttendanceStatus::parse, "status", choices)
}

/// Runs `vernetzt attendance …`.
pub fn run(store: &mut Store, cmd: AttendanceCmd) -> Outcome {
    Ok(match cmd {
        AttendanceCmd::Mark {
            event,
            me,
            contact,
            status,
        } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            match (me, contact) {
                (Some(me), None) => store.mark_attendance(&ev, None, parse_status(&me)?)?,
                (None, Some(c)) => {
                    let st = status
                        .as_deref()
                        .map(parse_status)
                        .transpose()?
                        .unwrap_or(AttendanceStatus::Attended);
                    store.mark_attendance(&ev, Some(c), st)?
                }
                _ => {
                    return Err(Failure::Usage(
                        "attendance mark needs --me STATUS or --contact ID".into(),
                    ));
                }
            }
            Output::done("event", &ev, format_args!("recorded for {}", ev.title))
        }
        AttendanceCmd::List { event } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            let (mine, rows) = store.attendance(&ev)?;
            let head = format!("{} — you: {}", ev.title, mine.as_deref().unwrap_or("-"));
            let text = std::iter::once(head).chain(rows.iter().map(|r| {
                format!(
                    "{:>6}  {}  {}  {}",
                    r.contact_id,
                    r.name,
                    r.email.as_deref().unwrap_or(""),
                    r.status
                )
            }));
            Output::new(&rows, lines(text))
        }
        AttendanceCmd::Met {
            event,
            contact,
            session,
            note,
        } => {
            let ev = store.event_ref(&event.uid, event.occurrence.as_deref())?;
            let e = store.add_encounter(contact, Some(&ev), session.as_deref(), note.as_deref())?;
            Output::line(&e, format_args!("met #{contact} at {}", ev.title))
        }
    })
}
