//! `vernetzt invite …`: invitations to an own event, from the command line. Parsing and printing
//! only; the rules live in `vernetzt_core::invite` and the store, sending in `vernetzt_net::mail`.

use crate::output::{Outcome, Output, lines};
use crate::{Failure, shared};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use vernetzt_core::Store;
use vernetzt_core::invite::{self, InviteeFilter};
use vernetzt_core::store::{INVITE_SUBJECT, INVITE_TEMPLATE, ORGANIZER_EMAIL, ORGANIZER_NAME};
use vernetzt_net::mail::{self, SendOptions};

/// `vernetzt invite UID --contact ID --filter K=V --out DIR`, or one of the subcommands.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct InviteArgs {
    #[command(subcommand)]
    cmd: Option<InviteCmd>,
    /// The own event's UID (from `vernetzt events create --json`).
    uid: Option<String>,
    #[command(flatten)]
    pick: Pick,
    /// Write the invitation (.ics with everyone, one .eml per invitee) into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only show who would be invited; record nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args, Default)]
struct Pick {
    /// Invite this contact (repeatable).
    #[arg(long = "contact", value_name = "ID")]
    contacts: Vec<i64>,
    /// Invite the contacts matching KEY=VALUE; repeat to narrow (level=land, land=BY, org=ID,
    /// tag=T, themenfeld=KEY, attended=EVENT_UID).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    filters: Vec<String>,
}

#[derive(Subcommand)]
enum InviteCmd {
    /// Send the pending invitations, updates and cancellations by SMTP.
    Send {
        uid: String,
        /// smtp://host:port (STARTTLS; plain only to loopback) or smtps://host:port (TLS).
        #[arg(long, value_name = "URL")]
        smtp: String,
        /// SMTP user name; the password comes from the keyring.
        #[arg(long)]
        user: Option<String>,
        /// Read the password from stdin and keep it in the keyring first.
        #[arg(long, requires = "user")]
        password_stdin: bool,
        /// At most this many messages a minute (0: no limit).
        #[arg(long, default_value_t = SendOptions::default().per_minute)]
        per_minute: u32,
        /// Also send the messages an interrupted run left uncertain (they may arrive twice).
        #[arg(long)]
        resend_uncertain: bool,
    },
    /// Cancel the event: METHOD:CANCEL to everyone invited (on the next send, or now with --out).
    Cancel {
        uid: String,
        /// Write the cancellation (.ics, one .eml each) into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Take people off the list; they get a CANCEL (on the next send, or now with --out).
    Remove {
        uid: String,
        /// Contact id (repeatable).
        #[arg(long = "contact", value_name = "ID")]
        contacts: Vec<i64>,
        /// Address (repeatable).
        #[arg(long = "email")]
        emails: Vec<String>,
        /// Write the cancellations into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Read replies (.ics or .eml, as mail clients send them) and store each answer.
    Reply {
        /// Reply files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Who is invited, their answers and the delivery of each message.
    Status {
        uid: String,
        /// Also write the list as CSV (German Excel) to this file.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Set (or show) the organiser named in invitations.
    Organizer {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// Set (or show) the invitation's subject and text ({name}, {titel}, {beginn}, {ende},
    /// {ort}, {link}, {beschreibung}, {veranstalter}).
    Template {
        #[arg(long)]
        subject: Option<String>,
        /// UTF-8 text file with the body.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Back to the built-in German text.
        #[arg(long)]
        reset: bool,
    },
}

fn write(
    dir: &std::path::Path,
    files: &[vernetzt_core::store::ExportFile],
) -> Result<Vec<String>, Failure> {
    Ok(invite::write_files(dir, files)?
        .iter()
        .map(|p| p.display().to_string())
        .collect())
}

/// Runs `vernetzt invite …`; with `progress`, sending counts its messages on stderr.
pub fn run(mut store: Store, a: InviteArgs, progress: bool) -> Outcome {
    let Some(cmd) = a.cmd else {
        let uid = a
            .uid
            .ok_or_else(|| Failure::Usage("give the event's UID, or a subcommand".into()))?;
        return invite(&mut store, uid, &a.pick, a.out, a.dry_run);
    };
    match cmd {
        InviteCmd::Send {
            uid,
            smtp,
            user,
            password_stdin,
            per_minute,
            resend_uncertain,
        } => {
            let opts = SendOptions {
                per_minute,
                resend_uncertain,
                ..Default::default()
            };
            send(
                store,
                &uid,
                &smtp,
                user.as_deref(),
                password_stdin,
                &opts,
                progress,
            )
        }
        InviteCmd::Cancel { uid, out } => {
            let sequence = store.cancel_own_event(&uid)?;
            let files = match &out {
                Some(dir) => write(dir, &store.export_invitations(&uid, chrono::Utc::now())?)?,
                None => Vec::new(),
            };
            Ok(Output::line(
                &serde_json::json!({ "uid": uid, "sequence": sequence, "files": files }),
                format_args!("cancelled {uid} (sequence {sequence}); `invite send` tells everyone"),
            ))
        }
        InviteCmd::Remove {
            uid,
            contacts,
            emails,
            out,
        } => {
            let removed = store.remove_invitees(&uid, &contacts, &emails)?;
            let files = match &out {
                Some(dir) => write(
                    dir,
                    &store.export_cancellations(&uid, &removed, chrono::Utc::now())?,
                )?,
                None => Vec::new(),
            };
            let emails: Vec<&str> = removed.iter().map(|p| p.email.as_str()).collect();
            Ok(Output::line(
                &serde_json::json!({ "removed": emails, "files": files }),
                format_args!("removed {}", emails.join(", ")),
            ))
        }
        InviteCmd::Reply { files } => Ok(replies(&mut store, &files)),
        InviteCmd::Status { uid, csv } => {
            let rsvp = store.rsvp(&uid)?;
            if let Some(path) = &csv {
                shared::write_file(path, invite::rsvp_csv(&rsvp.invitees))?;
            }
            let c = &rsvp.counts;
            let head = format!(
                "{}: {} invited, {} accepted, {} declined, {} tentative, {} delegated, {} no answer",
                rsvp.title,
                c.invited,
                c.accepted,
                c.declined,
                c.tentative,
                c.delegated,
                c.needs_action
            );
            let text = std::iter::once(head).chain(rsvp.invitees.iter().map(|i| {
                format!(
                    "  {:<12} {:<10} {} <{}>{}",
                    i.partstat,
                    serde_json::to_value(i.delivery)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                    i.name,
                    i.email,
                    if i.removed { " (removed)" } else { "" }
                )
            }));
            Ok(Output::new(&rsvp.invitees, lines(text)))
        }
        InviteCmd::Organizer { name, email } => {
            if let Some(n) = &name {
                store.set_setting(ORGANIZER_NAME, n.trim())?;
            }
            if let Some(e) = &email {
                store.set_setting(ORGANIZER_EMAIL, e.trim())?;
            }
            let p = store.organizer()?;
            Ok(Output::line(
                &serde_json::json!({ "name": p.name, "email": p.email }),
                format_args!("{} <{}>", p.name, p.email),
            ))
        }
        InviteCmd::Template {
            subject,
            file,
            reset,
        } => template(&mut store, subject, file, reset),
    }
}

/// `vernetzt invite UID …`: puts the picked contacts on the list (or, dry, says who it would),
/// and writes the invitation files when asked.
fn invite(
    store: &mut Store,
    uid: String,
    pick: &Pick,
    out: Option<PathBuf>,
    dry_run: bool,
) -> Outcome {
    let mut filter = InviteeFilter::default();
    for f in &pick.filters {
        filter.add(f)?;
    }
    let preview = if dry_run {
        store.invite_preview(&uid, &pick.contacts, &filter)?
    } else {
        store.add_invitees(&uid, &pick.contacts, &filter)?
    };
    let files = match &out {
        Some(dir) if !dry_run => write(dir, &store.export_invitations(&uid, chrono::Utc::now())?)?,
        _ => Vec::new(),
    };
    let total = store.invitees(&uid)?.iter().filter(|i| !i.removed).count();
    let verb = if dry_run { "would invite" } else { "invited" };
    let mut text = vec![format!(
        "{verb} {} ({} already on the list, {} in all)",
        preview.ready.len(),
        preview.already_invited.len(),
        total
    )];
    text.extend(preview.without_email.iter().map(|c| {
        format!(
            "  no e-mail address, not invited: {} (#{})",
            c.name, c.contact_id
        )
    }));
    if let (false, Some(dir)) = (files.is_empty(), &out) {
        text.push(format!("wrote {} files to {}", files.len(), dir.display()));
    }
    Ok(Output::new(
        &serde_json::json!({
            "uid": uid,
            "added": preview.ready,
            "without_email": preview.without_email,
            "already_invited": preview.already_invited.len(),
            "invited": total,
            "files": files,
        }),
        lines(text),
    ))
}

/// `vernetzt invite send`: the queued messages by SMTP; fails after its report when some were
/// not delivered, so that a script runs it again.
fn send(
    store: Store,
    uid: &str,
    smtp: &str,
    user: Option<&str>,
    password_stdin: bool,
    opts: &SendOptions,
    progress: bool,
) -> Outcome {
    let secrets = shared::secrets();
    if password_stdin {
        let pw = shared::stdin_secret("the password")?;
        mail::store_password(smtp, user.unwrap_or_default(), &pw, &secrets)
            .map_err(|e| Failure::Other(e.to_string()))?;
    }
    let mut mailer =
        mail::mailer(smtp, user, &secrets).map_err(|e| Failure::Other(e.to_string()))?;
    let store = std::sync::Mutex::new(store);
    let report = shared::runtime()?.block_on(mail::send_invitations(
        &store,
        uid,
        &mut mailer,
        opts,
        &chrono::Utc::now,
        &mut |done, total| {
            if progress {
                eprint!("\r{done}/{total}");
            }
        },
    ))?;
    if progress {
        eprintln!();
    }
    let mut text = vec![format!(
        "sent {} ({} invitations, {} cancellations), {} failed, {} uncertain",
        report.sent,
        report.requests,
        report.cancels,
        report.failed.len(),
        report.uncertain.len()
    )];
    text.extend(
        report
            .failed
            .iter()
            .map(|f| format!("  failed: {}: {}", f.email, f.error)),
    );
    text.extend(report.uncertain.iter().map(|u| {
        format!(
            "  uncertain (a run was interrupted while sending; check, then \
             --resend-uncertain): {u}"
        )
    }));
    if let Some(s) = &report.stopped {
        text.push(format!("  {s}; {} messages still queued", report.remaining));
    }
    let out = Output::new(&report, lines(text));
    Ok(if report.failed.is_empty() && report.stopped.is_none() {
        out
    } else {
        out.then_fail(Failure::Other(format!(
            "{} messages were not delivered; run the command again to retry them",
            report.failed.len() + report.remaining
        )))
    })
}

/// `vernetzt invite reply FILE…`: stores each file's answers; a file that cannot be read or
/// stored stops the run after the lines of the files before it.
fn replies(store: &mut Store, files: &[PathBuf]) -> Output {
    let mut all = Vec::new();
    let mut text = String::new();
    let mut failed = false;
    for f in files {
        let read = shared::read_file(f).map_err(Failure::Other);
        let r = match read.and_then(|bytes| Ok(store.import_reply(&bytes)?)) {
            Ok(r) => r,
            Err(e) => return Output::text_only(text).then_fail(e),
        };
        failed |= r.found == 0;
        text.push_str(&format!(
            "{}: {} answers stored, {} older ignored, {} for unknown events{}\n",
            f.display(),
            r.report.applied,
            r.report.stale,
            r.report.unknown_event,
            if r.report.unknown_attendee.is_empty() {
                String::new()
            } else {
                format!(", not invited: {}", r.report.unknown_attendee.join(", "))
            }
        ));
        text.push_str(&lines(r.warnings.iter().map(|w| format!("  {w}"))));
        all.push(serde_json::json!({ "file": f.display().to_string(), "import": r }));
    }
    let out = Output::new(&all, text);
    if failed {
        out.then_fail(Failure::Other("a file held no answer".into()))
    } else {
        out
    }
}

/// `vernetzt invite template`: sets the subject and body (or back to the built-in text) and
/// shows what invitations will say.
fn template(
    store: &mut Store,
    subject: Option<String>,
    file: Option<PathBuf>,
    reset: bool,
) -> Outcome {
    if reset {
        store.set_setting(INVITE_SUBJECT, "")?;
        store.set_setting(INVITE_TEMPLATE, "")?;
    }
    if let Some(s) = &subject {
        store.set_setting(INVITE_SUBJECT, s)?;
    }
    if let Some(f) = &file {
        let text = std::fs::read_to_string(f)
            .map_err(|e| Failure::Other(format!("cannot read {}: {e}", f.display())))?;
        store.set_setting(INVITE_TEMPLATE, &text)?;
    }
    let subject = store
        .setting(INVITE_SUBJECT)?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| invite::DEFAULT_SUBJECT.into());
    let body = store
        .setting(INVITE_TEMPLATE)?
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| invite::DEFAULT_TEMPLATE.into());
    Ok(Output::line(
        &serde_json::json!({ "subject": subject, "body": body }),
        format_args!("Betreff: {subject}\n\n{body}"),
    ))
}
