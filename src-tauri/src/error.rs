//! The one error type that crosses into the web view, serialised as `{kind, message}` (plus the
//! validation `code` and `field` when there are any). The UI picks a translated text by `code` or
//! `kind` and falls back to `message`.

use serde::Serialize;

/// An error as the UI receives it.
#[derive(Debug, Serialize)]
pub struct UiError {
    /// Stable machine-readable kind: `validation`, `not_found`, `busy`, `database`, …
    pub kind: &'static str,
    /// Human-readable message (English; the UI translates by `code`/`kind`).
    pub message: String,
    /// For validation errors: a stable code such as `email_invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// For validation errors: the form field at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl From<vernetzt_core::Error> for UiError {
    fn from(e: vernetzt_core::Error) -> Self {
        let detail = e.validation_detail();
        UiError {
            kind: e.kind(),
            message: e.to_string(),
            code: detail.map(|d| d.0),
            field: detail.map(|d| d.1),
        }
    }
}

impl UiError {
    /// An error of the shell itself (bad arguments, a poisoned lock).
    pub fn internal(message: impl Into<String>) -> Self {
        UiError {
            kind: "internal",
            message: message.into(),
            code: None,
            field: None,
        }
    }
}

/// What every command returns.
pub type CmdResult<T> = Result<T, UiError>;

impl From<vernetzt_net::feed_sync::AddFeedError> for UiError {
    fn from(e: vernetzt_net::feed_sync::AddFeedError) -> Self {
        use vernetzt_net::feed_sync::AddFeedError as E;
        match e {
            E::Store(core) => core.into(),
            E::Url(f) => UiError {
                kind: f.kind(),
                message: f.to_string(),
                code: Some(f.kind()),
                field: Some("url"),
            },
            E::Secret(s) => UiError {
                kind: "keyring",
                message: s.to_string(),
                code: Some(s.kind()),
                field: Some("secret"),
            },
            E::MissingSecret => UiError {
                kind: "validation",
                message: "a feed with a login needs its password or token".into(),
                code: Some("secret_required"),
                field: Some("secret"),
            },
        }
    }
}

impl From<vernetzt_net::mail::MailError> for UiError {
    fn from(e: vernetzt_net::mail::MailError) -> Self {
        use vernetzt_net::mail::MailError as E;
        let (kind, field) = match &e {
            E::Url(_) => ("validation", "smtp_url"),
            E::Connect(_) => ("network", "smtp_url"),
            E::Secret(_) => ("keyring", "password"),
        };
        UiError {
            kind,
            message: e.to_string(),
            code: Some(match &e {
                E::Url(_) => "smtp_url_invalid",
                E::Connect(_) => "smtp_unreachable",
                E::Secret(_) => "smtp_password_missing",
            }),
            field: Some(field),
        }
    }
}

impl From<vernetzt_net::dav::DavError> for UiError {
    fn from(e: vernetzt_net::dav::DavError) -> Self {
        UiError {
            kind: "sync",
            message: e.message,
            code: Some(e.kind.as_str()),
            field: None,
        }
    }
}

impl From<vernetzt_core::settings::SettingError> for UiError {
    fn from(e: vernetzt_core::settings::SettingError) -> Self {
        use vernetzt_core::settings::SettingError as E;
        match e {
            E::Store(core) => core.into(),
            // A key or zone the UI should never send: a bug of the UI, not the user's input.
            E::Unknown(_) | E::NotAZone(_) => UiError::internal(e.to_string()),
        }
    }
}

impl From<vernetzt_core::export::ExportError> for UiError {
    fn from(e: vernetzt_core::export::ExportError) -> Self {
        use vernetzt_core::export::ExportError as E;
        match e {
            E::Store(core) => core.into(),
            E::NoFolder | E::Encode(_) => UiError::internal(e.to_string()),
        }
    }
}

impl From<vernetzt_net::outbox::OutboxError> for UiError {
    fn from(e: vernetzt_net::outbox::OutboxError) -> Self {
        use vernetzt_net::outbox::OutboxError as E;
        match e {
            E::Store(core) => core.into(),
            E::Mail(mail) => mail.into(),
        }
    }
}

/// The error JSON is the UI's contract (`ui/src/backend.ts` reads `kind`, `message`, `code`,
/// `field`): each way an error reaches the UI is serialised and compared with literal JSON, so
/// a renamed field, a changed kind or code, or a `null` where the key used to be absent fails
/// here before it fails in the web view.
#[cfg(test)]
mod tests {
    use super::UiError;
    use vernetzt_core::Error;

    fn json(e: impl Into<UiError>) -> String {
        serde_json::to_string(&e.into()).unwrap()
    }

    #[test]
    fn core_errors() {
        let validation = Error::Validation {
            code: "email_invalid",
            field: "emails",
            message: "'x' is not an e-mail address".into(),
        };
        assert_eq!(
            json(validation),
            r#"{"kind":"validation","message":"'x' is not an e-mail address","code":"email_invalid","field":"emails"}"#
        );
        let not_found = Error::NotFound {
            what: "contact",
            id: "7".into(),
        };
        assert_eq!(
            json(not_found),
            r#"{"kind":"not_found","message":"contact 7 not found"}"#
        );
        assert_eq!(
            json(Error::Import("the file is empty".into())),
            r#"{"kind":"import","message":"the file is empty"}"#
        );
        assert_eq!(
            json(Error::Migration("step 3".into())),
            r#"{"kind":"database","message":"schema migration failed: step 3"}"#
        );
        let key = Error::Key {
            path: "v.db".into(),
            detail: "no key was given".into(),
        };
        assert_eq!(
            json(key),
            r#"{"kind":"key","message":"the database v.db is encrypted and no key was given"}"#
        );
    }

    #[test]
    fn shell_errors() {
        assert_eq!(
            json(UiError::internal("'x' is not a date")),
            r#"{"kind":"internal","message":"'x' is not a date"}"#
        );
        let state = crate::state::AppState::new(
            Err(Error::Open {
                path: "/nope/v.db".into(),
                detail: "no such folder".into(),
            }),
            false,
        );
        assert_eq!(
            json(state.store().err().unwrap()),
            r#"{"kind":"open","message":"cannot open the database /nope/v.db: no such folder"}"#
        );
    }

    #[test]
    fn settings_and_export_errors() {
        use vernetzt_core::export::ExportError;
        use vernetzt_core::settings::SettingError;
        assert_eq!(
            json(SettingError::Unknown("me_contact_id".into())),
            r#"{"kind":"internal","message":"unknown setting 'me_contact_id'"}"#
        );
        assert_eq!(
            json(SettingError::NotAZone("Berlin".into())),
            r#"{"kind":"internal","message":"'Berlin' is not an IANA time zone"}"#
        );
        assert_eq!(
            json(SettingError::Store(Error::Import("x".into()))),
            r#"{"kind":"import","message":"x"}"#
        );
        assert_eq!(
            json(ExportError::NoFolder),
            r#"{"kind":"internal","message":"no folder given and the system names no home folder"}"#
        );
        assert_eq!(
            json(ExportError::Encode("bad".into())),
            r#"{"kind":"internal","message":"bad"}"#
        );
        let write_failed = Error::Validation {
            code: "export_failed",
            field: "dir",
            message: "could not write /x: denied".into(),
        };
        assert_eq!(
            json(ExportError::Store(write_failed)),
            r#"{"kind":"validation","message":"could not write /x: denied","code":"export_failed","field":"dir"}"#
        );
    }

    #[test]
    fn feed_errors() {
        use vernetzt_net::feed_sync::AddFeedError as E;
        assert_eq!(
            json(E::MissingSecret),
            r#"{"kind":"validation","message":"a feed with a login needs its password or token","code":"secret_required","field":"secret"}"#
        );
        let url = vernetzt_net::FetchError::InvalidUrl {
            input: "kalender".into(),
            reason: "no scheme".into(),
        };
        assert_eq!(
            json(E::Url(url)),
            r#"{"kind":"invalid_url","message":"\"kalender\" is not a usable feed address (no scheme); enter the full address, starting with https:// or webcal://.","code":"invalid_url","field":"url"}"#
        );
        let secret = vernetzt_net::SecretError::Unavailable {
            detail: "no D-Bus".into(),
        };
        assert_eq!(
            json(E::Secret(secret)),
            r#"{"kind":"keyring","message":"No keyring (Secret Service) is available (no D-Bus): install and unlock gnome-keyring or KWallet, then try again. Vernetzt does not store passwords anywhere else.","code":"unavailable","field":"secret"}"#
        );
        assert_eq!(
            json(E::Store(Error::Import("x".into()))),
            r#"{"kind":"import","message":"x"}"#
        );
    }

    #[test]
    fn mail_errors() {
        use vernetzt_net::mail::MailError as E;
        use vernetzt_net::outbox::OutboxError;
        assert_eq!(
            json(E::Url("bad address".into())),
            r#"{"kind":"validation","message":"bad address","code":"smtp_url_invalid","field":"smtp_url"}"#
        );
        assert_eq!(
            json(E::Connect("refused".into())),
            r#"{"kind":"network","message":"refused","code":"smtp_unreachable","field":"smtp_url"}"#
        );
        assert_eq!(
            json(E::Secret("no password".into())),
            r#"{"kind":"keyring","message":"no password","code":"smtp_password_missing","field":"password"}"#
        );
        assert_eq!(
            json(OutboxError::Mail(E::Connect("refused".into()))),
            r#"{"kind":"network","message":"refused","code":"smtp_unreachable","field":"smtp_url"}"#
        );
        assert_eq!(
            json(OutboxError::Store(Error::Import("x".into()))),
            r#"{"kind":"import","message":"x"}"#
        );
    }

    #[test]
    fn sync_errors() {
        let e = vernetzt_net::dav::DavError {
            kind: vernetzt_net::dav::DavErrorKind::Auth,
            message: "the server refused the login".into(),
            retry_after: None,
            status: Some(401),
        };
        assert_eq!(
            json(e),
            r#"{"kind":"sync","message":"the server refused the login","code":"auth"}"#
        );
    }
}
