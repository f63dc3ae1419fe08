//! Sending invitations by SMTP: the outbox of an own event drained one message at a time, each
//! recorded as `sending` before and `sent`/`failed` after its SMTP transaction, so that a run that
//! is killed resumes without sending anyone a second copy (the store keeps the state; see
//! `vernetzt_core::store::OutboxPlan`).
//!
//! Transport rules: `smtps://` is TLS from the first byte, `smtp://` requires STARTTLS, and plain
//! text is allowed only to a loopback address (a relay on the same machine, or a test server).
//! The password comes from the OS keyring; it is never logged, and no error text holds it.
//!
//! The SMTP client is `mail-send` (Stalwart Labs) on one connection kept for the whole run, with
//! `TCP_NODELAY` set: lettre 0.11.23 leaves Nagle on, and its separate write of the final
//! `CRLF.CRLF` then waits for the server's delayed ACK, 40 ms per message on Linux (200 ms on
//! Windows servers): 47 s instead of about 1 s for 1,000 invitations (docs/decisions.md).

use chrono::{DateTime, Utc};
use mail_send::{SmtpClient, SmtpClientBuilder};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use url::Url;
use vernetzt_core::Store;

/// How to reach the SMTP server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpEndpoint {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Transport security.
    pub security: Security,
}

/// Transport security of an SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`smtps://`, port 465).
    Implicit,
    /// STARTTLS, required (`smtp://`, port 587).
    StartTls,
    /// No TLS: loopback only.
    Plain,
}

/// Why mail could not be sent, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The SMTP address is not usable.
    #[error("{0}")]
    Url(String),
    /// The server could not be reached or refused the connection or login.
    #[error("{0}")]
    Connect(String),
    /// The password is not in the keyring, or the keyring failed.
    #[error("{0}")]
    Secret(String),
}

/// The mailer for `url` with the password of `user` from the keyring (no user: no login, as a
/// local relay or a test server accepts).
pub fn mailer(
    url: &str,
    user: Option<&str>,
    secrets: &crate::Secrets,
) -> Result<Mailer, MailError> {
    let endpoint = parse_smtp_url(url)?;
    let credentials = match user.map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(user) => {
            let account = smtp_account(&endpoint, user);
            let password = secrets
                .get(&account)
                .map_err(|e| MailError::Secret(e.to_string()))?
                .ok_or_else(|| {
                    MailError::Secret(format!(
                        "no password for {user} at {} is in the keyring; enter it once in the \
                         settings (or give it to the command line with --password-stdin)",
                        endpoint.host
                    ))
                })?;
            Some((user.to_string(), password))
        }
    };
    Mailer::new(&endpoint, credentials)
}

/// Keeps the SMTP password of `user` at `url` in the keyring.
pub fn store_password(
    url: &str,
    user: &str,
    password: &str,
    secrets: &crate::Secrets,
) -> Result<(), MailError> {
    let endpoint = parse_smtp_url(url)?;
    secrets
        .set(&smtp_account(&endpoint, user.trim()), password)
        .map_err(|e| MailError::Secret(e.to_string()))
}

/// Reads `smtp://host[:port]` (STARTTLS; plain only to loopback) or `smtps://host[:port]`.
pub fn parse_smtp_url(input: &str) -> Result<SmtpEndpoint, MailError> {
    let url = Url::parse(input.trim()).map_err(|e| {
        MailError::Url(format!(
            "'{input}' is not an SMTP address like smtp://mail.example.org:587 ({e})"
        ))
    })?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| MailError::Url(format!("'{input}' names no host")))?
        .trim_matches(['[', ']'])
        .to_string();
    if !url.username().is_empty() || url.password().is_some() {
        return Err(MailError::Url(
            "put the user name in --user and the password in the keyring, not in the address"
                .into(),
        ));
    }
    let loopback = crate::loopback::is_loopback_host(&host);
    let (security, default_port) = match url.scheme() {
        "smtps" => (Security::Implicit, 465),
        "smtp" if loopback => (Security::Plain, 25),
        "smtp" => (Security::StartTls, 587),
        other => {
            return Err(MailError::Url(format!(
                "'{other}://' is not supported; use smtp:// (STARTTLS) or smtps:// (TLS)"
            )));
        }
    };
    Ok(SmtpEndpoint {
        host,
        port: url.port().unwrap_or(default_port),
        security,
    })
}

/// The keyring account under which the SMTP password for `user` at `endpoint` is kept.
pub fn smtp_account(endpoint: &SmtpEndpoint, user: &str) -> String {
    format!("smtp:{user}@{}:{}", endpoint.host, endpoint.port)
}

/// A failed message: whether trying again can help, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The server refused this message for good (5xx): retrying the same will not help.
    pub permanent: bool,
    /// Plain-words reason.
    pub message: String,
}

/// Something that delivers one raw message (the real [`Mailer`], or a test double for the
/// pure parts of the send loop).
pub trait Outgoing {
    /// Delivers `message` from `from` to `to`.
    fn send(
        &mut self,
        from: &str,
        to: &str,
        message: &[u8],
    ) -> impl std::future::Future<Output = Result<(), SendError>> + Send;
}

enum Conn {
    Plain(SmtpClient<TcpStream>),
    Tls(Box<SmtpClient<tokio_rustls::client::TlsStream<TcpStream>>>),
}

/// An SMTP client that opens its connection on the first message and keeps it for the run
/// (reconnecting after a network failure).
pub struct Mailer {
    endpoint: SmtpEndpoint,
    credentials: Option<(String, String)>,
    conn: Option<Conn>,
}

/// TLS with the operating system's trust store, so an office's own CA is trusted as the
/// browser trusts it.
fn tls_connector() -> Result<tokio_rustls::TlsConnector, MailError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| MailError::Connect(format!("TLS could not be set up: {e}")))?
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(std::sync::Arc::new(
        config,
    )))
}

fn plain_words(e: &mail_send::Error) -> (bool, String) {
    use mail_send::Error as E;
    match e {
        E::UnexpectedReply(r) => (
            r.code() >= 500,
            format!(
                "the mail server refused the message ({} {})",
                r.code(),
                r.message()
            ),
        ),
        E::AuthenticationFailed(r) => (
            false,
            format!(
                "the mail server refused the login ({} {}): check the user name and the password",
                r.code(),
                r.message()
            ),
        ),
        E::Tls(t) => (
            false,
            format!(
                "the TLS connection to the mail server failed (certificate not trusted, expired or \
                 for another name?): {t}"
            ),
        ),
        E::MissingStartTls => (
            false,
            "the mail server does not offer STARTTLS; use smtps:// or another server".into(),
        ),
        E::Timeout => (false, "the mail server did not answer in time".into()),
        E::Io(io) => (false, format!("the mail server could not be reached: {io}")),
        other => (false, format!("sending failed: {other}")),
    }
}

impl Mailer {
    /// Prepares the client; nothing is connected until the first message.
    pub fn new(
        endpoint: &SmtpEndpoint,
        credentials: Option<(String, String)>,
    ) -> Result<Mailer, MailError> {
        Ok(Mailer {
            endpoint: endpoint.clone(),
            credentials,
            conn: None,
        })
    }

    async fn connect(&self) -> Result<Conn, SendError> {
        let fail = |e: mail_send::Error| {
            let (_, message) = plain_words(&e);
            SendError {
                permanent: false,
                message,
            }
        };
        let mut b = SmtpClientBuilder::new(self.endpoint.host.clone(), self.endpoint.port)
            .implicit_tls(self.endpoint.security == Security::Implicit)
            .timeout(Duration::from_secs(30));
        b.tls_connector = tls_connector().map_err(|e| SendError {
            permanent: false,
            message: e.to_string(),
        })?;
        if let Some((user, password)) = &self.credentials {
            b = b.credentials((user.clone(), password.clone()));
        }
        let nodelay = |s: &TcpStream| {
            // Best effort: without it every message waits for the server's delayed ACK.
            let _ = s.set_nodelay(true);
        };
        Ok(match self.endpoint.security {
            Security::Plain => {
                let c = b.connect_plain().await.map_err(fail)?;
                nodelay(&c.stream);
                Conn::Plain(c)
            }
            Security::Implicit | Security::StartTls => {
                let c = b.connect().await.map_err(fail)?;
                nodelay(c.stream.get_ref().0);
                Conn::Tls(Box::new(c))
            }
        })
    }
}

impl Outgoing for Mailer {
    async fn send(&mut self, from: &str, to: &str, message: &[u8]) -> Result<(), SendError> {
        if self.conn.is_none() {
            self.conn = Some(self.connect().await?);
        }
        let msg = mail_send::smtp::message::Message::new(from, [to], message);
        let result = match self.conn.as_mut().expect("connected above") {
            Conn::Plain(c) => c.send(msg).await,
            Conn::Tls(c) => c.send(msg).await,
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) => {
                let (permanent, message) = plain_words(&e);
                if matches!(e, mail_send::Error::UnexpectedReply(_)) {
                    // The server answered: the connection is fine; clear the transaction.
                    let reset = match self.conn.as_mut().expect("connected") {
                        Conn::Plain(c) => c.rset().await,
                        Conn::Tls(c) => c.rset().await,
                    };
                    if reset.is_err() {
                        self.conn = None;
                    }
                } else {
                    self.conn = None;
                }
                Err(SendError { permanent, message })
            }
        }
    }
}

/// How a send run behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendOptions {
    /// At most this many messages a minute (0: no limit). Mail providers throttle or block
    /// senders that burst; 60 a minute is accepted by common office servers.
    pub per_minute: u32,
    /// Also send messages a killed run left uncertain (they may arrive twice).
    pub resend_uncertain: bool,
    /// Stop after this many failures in a row that are not the recipient's fault (server
    /// down): the rest stays queued for the next run.
    pub max_consecutive_failures: u32,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            per_minute: 60,
            resend_uncertain: false,
            max_consecutive_failures: 3,
        }
    }
}

/// One recipient's failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Address.
    pub email: String,
    /// Why.
    pub error: String,
}

/// What a send run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendReport {
    /// Messages the server accepted.
    pub sent: usize,
    /// Invitations among them.
    pub requests: usize,
    /// Cancellations among them.
    pub cancels: usize,
    /// Refused or not delivered, per recipient (queued again for the next run).
    pub failed: Vec<Failure>,
    /// Left uncertain by an earlier, interrupted run: not sent again (see `resend_uncertain`).
    pub uncertain: Vec<String>,
    /// Messages still queued because the run stopped early.
    pub remaining: usize,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

/// Drains the outbox of `uid`. The store is locked only for the bookkeeping around each
/// message, never while talking to the server, so the app stays responsive during a long run.
/// `clock` gives each message its DTSTAMP; `progress(done, total)` is called after each one.
pub async fn send_invitations(
    store: &Mutex<Store>,
    uid: &str,
    out: &mut impl Outgoing,
    opts: &SendOptions,
    clock: &(dyn Fn() -> DateTime<Utc> + Sync),
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> vernetzt_core::Result<SendReport> {
    // A poisoned lock means another thread panicked mid-call; SQLite's transactions kept the
    // data consistent, so carry on (as the feed sync does).
    let lock = || -> vernetzt_core::Result<std::sync::MutexGuard<'_, Store>> {
        Ok(store.lock().unwrap_or_else(|p| p.into_inner()))
    };
    let (plan, from) = {
        let mut s = lock()?;
        (s.plan_outbox(uid, opts.resend_uncertain)?, s.organizer()?)
    };
    let mut report = SendReport {
        uncertain: plan.uncertain.iter().map(|i| i.email.clone()).collect(),
        ..Default::default()
    };
    let interval =
        (opts.per_minute > 0).then(|| Duration::from_secs_f64(60.0 / f64::from(opts.per_minute)));
    let total = plan.to_send.len();
    let mut last: Option<Instant> = None;
    let mut consecutive = 0;
    for (n, item) in plan.to_send.iter().enumerate() {
        if let (Some(iv), Some(at)) = (interval, last) {
            let next = at + iv;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        last = Some(Instant::now());
        let bytes = {
            let mut s = lock()?;
            let bytes = s.outbox_message(uid, item, clock())?;
            if !s.outbox_sending(item.id)? {
                // Another run (the app or the CLI) claimed it first, or it went out already.
                continue;
            }
            bytes
        };
        let result = out.send(&from.email, &item.email, &bytes).await;
        lock()?.outbox_done(item.id, result.as_ref().err().map(|e| e.message.as_str()))?;
        match result {
            Ok(()) => {
                consecutive = 0;
                report.sent += 1;
                match item.kind {
                    vernetzt_core::invite::MessageKind::Request => report.requests += 1,
                    vernetzt_core::invite::MessageKind::Cancel => report.cancels += 1,
                }
            }
            Err(e) => {
                report.failed.push(Failure {
                    email: item.email.clone(),
                    error: e.message.clone(),
                });
                if !e.permanent {
                    consecutive += 1;
                    if consecutive >= opts.max_consecutive_failures.max(1) {
                        report.remaining = total - n - 1;
                        report.stopped = Some(format!(
                            "stopped after {consecutive} failures in a row: {}",
                            e.message
                        ));
                        break;
                    }
                } else {
                    consecutive = 0;
                }
            }
        }
        progress(n + 1, total);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_addresses() {
        let e = parse_smtp_url("smtp://mail.example.org").unwrap();
        assert_eq!((e.port, e.security), (587, Security::StartTls));
        let e = parse_smtp_url("smtps://mail.example.org").unwrap();
        assert_eq!((e.port, e.security), (465, Security::Implicit));
        let e = parse_smtp_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((e.port, e.security), (2525, Security::Plain));
        assert_eq!(
            parse_smtp_url("smtp://[::1]:25").unwrap().security,
            Security::Plain
        );
        assert!(parse_smtp_url("http://mail.example.org").is_err());
        assert!(parse_smtp_url("smtp://user:pw@mail.example.org").is_err());
        assert!(parse_smtp_url("mail.example.org").is_err());
    }
}
