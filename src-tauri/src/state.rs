//! The app's state: one open store behind a mutex (SQLite connections are not shared across
//! threads), or the reason it could not be opened, which the UI shows instead of the contacts;
//! and the network edge's long-lived parts (HTTP client, keyring handle, limits).

use crate::error::UiError;
use std::sync::{Mutex, MutexGuard};
use vernetzt_core::Store;
use vernetzt_net::{Limits, Secrets};

/// Shared state of all commands.
pub struct AppState {
    store: Result<Mutex<Store>, (&'static str, String)>,
    probe: bool,
    /// Limits for feed downloads (size, time, redirects).
    pub limits: Limits,
    /// The HTTP client (connection pool, TLS roots), built once.
    pub client: Option<reqwest::Client>,
    /// The OS keyring.
    pub secrets: Secrets,
}

impl AppState {
    /// Wraps the result of opening the database.
    pub fn new(store: vernetzt_core::Result<Store>, probe: bool) -> Self {
        let limits = Limits::default();
        AppState {
            store: store.map(Mutex::new).map_err(|e| (e.kind(), e.to_string())),
            probe,
            client: vernetzt_net::client(&limits).ok(),
            limits,
            secrets: Secrets::new(vernetzt_net::sync::SECRETS_SERVICE),
        }
    }

    /// The store, or the error that kept it from opening.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, UiError> {
        self.store_mutex()?
            .lock()
            .map_err(|_| UiError::internal("the database lock was poisoned by an earlier failure"))
    }

    /// The mutex itself, for work that must release the store while it waits on the network.
    pub fn store_mutex(&self) -> Result<&Mutex<Store>, UiError> {
        match &self.store {
            Ok(m) => Ok(m),
            Err((kind, message)) => Err(UiError {
                kind,
                message: message.clone(),
                code: None,
                field: None,
            }),
        }
    }

    /// The HTTP client, or why there is none.
    pub fn client(&self) -> Result<&reqwest::Client, UiError> {
        self.client.as_ref().ok_or_else(|| {
            UiError::internal("the HTTP client could not be set up (TLS roots missing?)")
        })
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
