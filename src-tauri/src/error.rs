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
            code: Some(e.kind),
            field: None,
        }
    }
}
