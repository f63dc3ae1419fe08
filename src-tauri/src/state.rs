//! The app's state: one open store behind a mutex (SQLite connections are not shared across
//! threads), or the reason it could not be opened, which the UI shows instead of the contacts.

use crate::error::UiError;
use std::sync::{Mutex, MutexGuard};
use vernetzt_core::Store;

/// Shared state of all commands.
pub struct AppState {
    store: Result<Mutex<Store>, (&'static str, String)>,
    probe: bool,
}

impl AppState {
    /// Wraps the result of opening the database.
    pub fn new(store: vernetzt_core::Result<Store>, probe: bool) -> Self {
        AppState {
            store: store.map(Mutex::new).map_err(|e| (e.kind(), e.to_string())),
            probe,
        }
    }

    /// The store, or the error that kept it from opening.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, UiError> {
        match &self.store {
            Ok(m) => m.lock().map_err(|_| {
                UiError::internal("the database lock was poisoned by an earlier failure")
            }),
            Err((kind, message)) => Err(UiError {
                kind,
                message: message.clone(),
                code: None,
                field: None,
            }),
        }
    }

    /// Prints the time the first list was rendered (for `docs/benchmarks.md`).
    pub fn report_ready(&self) {
        if self.probe {
            let ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0);
            println!("vernetzt-ready-at-ms {ms}");
        }
    }
}
