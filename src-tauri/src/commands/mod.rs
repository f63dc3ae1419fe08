//! Tauri commands, one file per domain: each command parses its arguments, calls one core or net
//! function, and maps the error. Nothing else belongs here: no SQL, no parsing of files, no
//! rules (those live in `vernetzt-core`, the I/O in `vernetzt-net`).
//!
//! Commands that can take long (import, export, sync, send, listing events, the GDPR export and
//! erase) are async and run their work with `AppState::blocking` or the net crate's async
//! functions, so the window never freezes; the rest are quick reads and writes of one record.
//!
//! Most commands are one call on the store; `store_commands!` writes their Tauri wrapper, so
//! each is one line that says what the UI sends, what it gets and which call does the work.

/// Writes commands that are one call on the store: `fn name(arg: Type, …) -> Returns = |store|
/// call;`, each with its doc comment. A `fn` takes the store's lock on the calling thread and
/// holds it only for the call (quick reads and writes of one record); an `async fn` runs the call
/// with [`AppState::blocking`](crate::state::AppState::blocking), for work that can take long.
/// Either way the call's error reaches the UI as a [`UiError`].
macro_rules! store_commands {
    () => {};
    (
        $(#[$doc:meta])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = |$store:ident| $call:expr;
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        #[tauri::command]
        pub fn $name(
            state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> $crate::error::CmdResult<$ret> {
            let $store = &mut *state.store()?;
            Ok($call?)
        }
        store_commands!($($rest)*);
    };
    (
        $(#[$doc:meta])*
        async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty = |$store:ident| $call:expr;
        $($rest:tt)*
    ) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(
            state: tauri::State<'_, $crate::state::AppState>,
            $($arg: $ty),*
        ) -> $crate::error::CmdResult<$ret> {
            state.blocking(move |$store| Ok($call?)).await
        }
        store_commands!($($rest)*);
    };
}

pub mod app;
pub mod contacts;
pub mod directory;
pub mod events;
pub mod invitations;
pub mod networking;
pub mod privacy;
pub mod sync;

use crate::error::{CmdResult, UiError};

/// An RFC 3339 time from the UI, in UTC.
fn parse_time(s: &str) -> CmdResult<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| UiError::internal(format!("'{s}' is not an RFC 3339 time")))
}

/// A `YYYY-MM-DD` date from the UI.
fn parse_date(s: &str) -> CmdResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| UiError::internal(format!("'{s}' is not a date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_the_ui_sends() {
        assert_eq!(
            parse_time("2027-03-27T09:30:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2027-03-27T08:30:00+00:00"
        );
        assert_eq!(
            parse_time("27.03.2027").unwrap_err().message,
            "'27.03.2027' is not an RFC 3339 time"
        );
        assert_eq!(parse_date("2027-03-27").unwrap().to_string(), "2027-03-27");
        assert_eq!(
            parse_date("2027-02-30").unwrap_err().message,
            "'2027-02-30' is not a date"
        );
    }
}
