//! The app's state: one open store behind a mutex (SQLite connections are not shared across
//! threads), or the reason it could not be opened, which the UI shows instead of the contacts;
//! and the network edge's long-lived parts (HTTP client, keyring handle, limits).

use crate::error::{CmdResult, UiError};
use std::sync::{Arc, Mutex, MutexGuard};
use vernetzt_core::Store;
use vernetzt_net::{Limits, Secrets};

/// Shared state of all commands.
pub struct AppState {
    store: Result<Arc<Mutex<Store>>, (&'static str, String)>,
    probe: bool,
    /// Limits for feed downloads (size, time, redirects).
    pub limits: Limits,
    /// The HTTP client (connection pool, TLS roots), built once.
    pub client: Option<reqwest::Client>,
    /// The OS keyring; shared, so that work on a blocking thread (removing a feed) can use it.
    pub secrets: Arc<Secrets>,
    /// Progress of a running contact sync: (step, done, total), for the status line.
    pub sync_progress: Mutex<Option<(String, usize, usize)>>,
    /// Held while a contact sync runs, so the timer and the button never run two at once.
    pub sync_running: tokio::sync::Mutex<()>,
}

impl AppState {
    /// Wraps the result of opening the database.
    pub fn new(store: vernetzt_core::Result<Store>, probe: bool) -> Self {
        let limits = Limits::default();
        AppState {
            store: store
                .map(|s| Arc::new(Mutex::new(s)))
                .map_err(|e| (e.kind(), e.to_string())),
            probe,
            client: vernetzt_net::client(&limits).ok(),
            limits,
            secrets: Arc::new(Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE)),
            sync_progress: Mutex::new(None),
            sync_running: tokio::sync::Mutex::new(()),
        }
    }

    /// The store, or the error that kept it from opening.
    pub fn store(&self) -> Result<MutexGuard<'_, Store>, UiError> {
        lock(self.store_mutex()?)
    }

    /// The mutex itself, for work that must release the store while it waits on the network.
    pub fn store_mutex(&self) -> Result<&Mutex<Store>, UiError> {
        self.shared_store().map(|m| &**m)
    }

    fn shared_store(&self) -> Result<&Arc<Mutex<Store>>, UiError> {
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

    /// Runs `work` with the store on a thread meant for blocking work, so that a long import,
    /// export or listing never freezes the window: commands run on the main thread unless they
    /// are async, and an async command that did the work itself would still hold a runtime
    /// worker. The lock is taken and released on that thread, never held across an await.
    pub async fn blocking<T, F>(&self, work: F) -> CmdResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> CmdResult<T> + Send + 'static,
    {
        let store = Arc::clone(self.shared_store()?);
        tauri::async_runtime::spawn_blocking(move || work(&mut *lock(&store)?))
            .await
            .map_err(|e| UiError::internal(format!("the background task failed: {e}")))?
    }

    /// The HTTP client, or why there is none.
    pub fn client(&self) -> Result<&reqwest::Client, UiError> {
        self.client.as_ref().ok_or_else(|| {
            UiError::internal("the HTTP client could not be set up (TLS roots missing?)")
        })
    }

    /// Runs a contact sync (forced or when due) with progress reported to the status line.
    pub async fn run_dav_sync(
        &self,
        force: bool,
    ) -> Result<Option<vernetzt_net::dav::SyncReport>, UiError> {
        let _running = self.sync_running.lock().await;
        let progress = &self.sync_progress;
        let result = vernetzt_net::dav::sync_account(
            self.store_mutex()?,
            &self.secrets,
            chrono::Utc::now(),
            force,
            chrono::Duration::minutes(5),
            &mut |step, done, total| {
                if let Ok(mut p) = progress.lock() {
                    *p = Some((step.to_string(), done, total));
                }
            },
        )
        .await;
        if let Ok(mut p) = progress.lock() {
            *p = None;
        }
        result.map_err(UiError::from)
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

/// Locks the store; a poisoned lock is reported, not recovered, as the shell always did.
fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, UiError> {
    store
        .lock()
        .map_err(|_| UiError::internal("the database lock was poisoned by an earlier failure"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_work_runs_on_another_thread_with_the_store() {
        let state = AppState::new(Store::open_in_memory(), false);
        let caller = std::thread::current().id();
        let (total, worker) = tauri::async_runtime::block_on(state.blocking(|store| {
            Ok((
                store.list_contacts(0, 1)?.total,
                std::thread::current().id(),
            ))
        }))
        .unwrap();
        assert_eq!(total, 0);
        assert_ne!(worker, caller);
        // The lock was released: the quick path still gets the store.
        assert!(state.store().is_ok());
    }

    #[test]
    fn blocking_work_reports_a_store_that_did_not_open() {
        let state = AppState::new(
            Err(vernetzt_core::Error::Import("not a database".into())),
            false,
        );
        let e = tauri::async_runtime::block_on(state.blocking(|_| Ok(())))
            .err()
            .unwrap();
        assert_eq!((e.kind, e.message.as_str()), ("import", "not a database"));
    }
}
