//! Sends an own event's invitations the way the app's "Senden" button does: with the SMTP server,
//! login and rate from the settings (`Store::smtp_settings`) and the password from the
//! keyring. The CLI names server and rate on its command line and calls [`crate::mail`] directly.

use crate::mail::{self, MailError, SendOptions, SendReport};
use crate::secrets::Secrets;
use std::sync::Mutex;
use vernetzt_core::Store;
use vernetzt_core::settings::Smtp;

/// Why nothing (more) was sent.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The store failed (reading the settings, or the outbox's bookkeeping).
    #[error(transparent)]
    Store(#[from] vernetzt_core::Error),
    /// The SMTP address, the server or the keyring failed before the first message.
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// The send options the settings ask for: their rate if one is stored, the defaults otherwise.
pub fn options(smtp: &Smtp) -> SendOptions {
    SendOptions {
        per_minute: smtp.per_minute.unwrap_or(SendOptions::default().per_minute),
        ..Default::default()
    }
}

/// Sends the outbox of own event `uid` with the settings' server. The store is locked only to
/// read the settings and around each message's bookkeeping, never while waiting on the server.
pub async fn send_with_settings(
    store: &Mutex<Store>,
    secrets: &Secrets,
    uid: &str,
) -> Result<SendReport, OutboxError> {
    // A poisoned lock means another thread panicked mid-call; SQLite's transactions kept the
    // data consistent, so carry on (as the sending itself does).
    let smtp = store
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .smtp_settings()?;
    let mut mailer = mail::mailer(&smtp.url, smtp.user.as_deref(), secrets)?;
    Ok(mail::send_invitations(
        store,
        uid,
        &mut mailer,
        &options(&smtp),
        &chrono::Utc::now,
        &mut |_, _| {},
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_rate_or_the_default() {
        let default = SendOptions::default();
        assert_eq!(options(&Smtp::default()), default);
        let o = options(&Smtp {
            per_minute: Some(5),
            ..Default::default()
        });
        assert_eq!(o.per_minute, 5);
        assert_eq!(o.resend_uncertain, default.resend_uncertain);
        assert_eq!(o.max_consecutive_failures, default.max_consecutive_failures);
        // 0 is the user's "no limit", not "unset".
        let o = options(&Smtp {
            per_minute: Some(0),
            ..Default::default()
        });
        assert_eq!(o.per_minute, 0);
    }

    #[tokio::test]
    async fn without_a_server_nothing_is_sent() {
        let store = Mutex::new(Store::open_in_memory().unwrap());
        // No user: the keyring is never asked.
        let secrets = Secrets::new("vernetzt-test-outbox");
        let e = send_with_settings(&store, &secrets, "any")
            .await
            .unwrap_err();
        assert!(matches!(e, OutboxError::Mail(MailError::Url(_))), "{e:?}");
        store
            .lock()
            .unwrap()
            .set_setting(vernetzt_core::settings::SMTP_URL, "http://mail.example.org")
            .unwrap();
        let e = send_with_settings(&store, &secrets, "any")
            .await
            .unwrap_err();
        assert!(matches!(e, OutboxError::Mail(MailError::Url(_))), "{e:?}");
    }
}
