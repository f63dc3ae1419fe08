//! Vernetzt desktop app: opens the store, registers the commands, shows the window.
//!
//! Arguments: `--db PATH` (default: the user's data directory, or `VERNETZT_DB`), `--demo` (a
//! separate demo database, filled with the showcase when empty: contacts, an event feed with a
//! series, attendance, follow-ups and an own event with answers, as `vernetzt demo` fills it;
//! not together with `--db`). `VERNETZT_DB_PASSPHRASE` is read and removed from the environment
//! before anything else starts. Any other argument may be a file or link to open
//! (`opening.rs`): a second launch on the same database hands those to the window already open.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod error;
mod opening;
mod state;

use std::path::PathBuf;
use vernetzt_core::{Store, paths};

/// What the command line asks for: a database named with `--db`, and whether to show the demo.
#[derive(Debug, PartialEq, Eq)]
struct Launch {
    db: Option<PathBuf>,
    demo: bool,
}

/// Reads the arguments. `--demo` with `--db` is refused: the demo fills an empty database with
/// invented people, and an empty database named by path is most likely the user's real one (a
/// new work database, a copy being restored) that must not start life with demo contacts.
fn launch(args: &[String]) -> vernetzt_core::Result<Launch> {
    let demo = args.iter().any(|a| a == "--demo");
    let db = args
        .iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    if let (true, Some(path)) = (demo, &db) {
        return Err(vernetzt_core::Error::Open {
            path: path.clone(),
            detail: "--demo uses a database of its own and cannot be combined with --db".into(),
        });
    }
    Ok(Launch { db, demo })
}

/// Takes the database passphrase out of the environment (`VERNETZT_DB_PASSPHRASE`), so that
/// neither WebKit's processes nor any program the app starts (a browser for a link, the mail
/// program) inherits it.
#[allow(unsafe_code)]
fn take_passphrase() -> Option<String> {
    let name = vernetzt_net::dbkey::PASSPHRASE_ENV;
    let value = std::env::var(name).ok().filter(|p| !p.is_empty());
    if std::env::var_os(name).is_some() {
        // SAFETY: called in main before any other thread exists (see prefer_lean_webkit).
        unsafe { std::env::remove_var(name) };
    }
    value
}

/// The database file a launch opens.
fn db_path(launch: &Launch) -> PathBuf {
    let path = launch.db.clone().or_else(|| {
        if launch.demo {
            paths::demo_db_path()
        } else {
            paths::default_db_path()
        }
    });
    path.unwrap_or_else(|| PathBuf::from("vernetzt.db"))
}

/// The D-Bus name by which launches find each other: one window per database, so a second
/// launch on the same file (a double-clicked card, a webcal link) hands over to it, while the
/// demo, a test's scratch database or a second database run side by side.
fn instance_id(path: &std::path::Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let hash = vernetzt_core::hash::fnv1a_hex(absolute.as_os_str().as_encoded_bytes());
    format!("de.vernetzt.app.db_{hash}")
}

fn open_store(
    launch: vernetzt_core::Result<Launch>,
    passphrase: Option<String>,
) -> vernetzt_core::Result<Store> {
    let launch = launch?;
    let (explicit, demo) = (launch.db.clone(), launch.demo);
    let path = db_path(&launch);
    // Our own default location may not exist yet; an explicit --db must (a typo should fail).
    if explicit.is_none()
        && let Some(dir) = path.parent()
    {
        let _ = std::fs::create_dir_all(dir);
    }
    let secrets = vernetzt_net::Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE);
    let (mut store, _) = vernetzt_net::dbkey::open_store(&path, passphrase, &secrets)?;
    // Deleted contacts older than the period the user keeps them are erased for good at every
    // start (no daemon; docs/decisions.md). A failure must not keep the app from starting: the
    // tombstones wait for the next start.
    if let Err(e) = vernetzt_core::retention::purge_due(&mut store, chrono::Utc::now()) {
        vernetzt_core::redact::log_line("purge", &e.to_string());
    }
    if demo && store.list_contacts(0, 1)?.total == 0 {
        vernetzt_core::demo::showcase(&mut store, chrono::Utc::now(), 42)?;
    }
    Ok(store)
}

/// Background work. Feeds: synced at start, then every minute the due ones (every 30 minutes
/// by default, sooner with backoff after errors; see `vernetzt_core::schedule`). Contacts with
/// the CardDAV account: at start, then every 15 seconds if changes are pending (so an edit
/// reaches the server shortly after it is made) or the last pull is 5 minutes old, never while
/// the server asked to wait or a backoff holds (`vernetzt_core::sync::due`).
fn background_sync(app: tauri::AppHandle) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        let mut tick: u64 = 0;
        loop {
            let state = app.state::<state::AppState>();
            if tick.is_multiple_of(4)
                && let (Ok(store), Ok(client)) = (state.store_mutex(), state.client())
            {
                vernetzt_net::feed_sync::sync_all(
                    store,
                    client,
                    &state.secrets,
                    &state.limits,
                    true,
                    chrono::Utc::now(),
                )
                .await;
            }
            // Errors are recorded in the store and shown in the status line; the log line is
            // redacted (no addresses, no secrets).
            if let Err(e) = state.run_dav_sync(false).await {
                vernetzt_core::redact::log_line("sync", &e.message);
            }
            tick += 1;
            tokio::time::sleep(std::time::Duration::from_secs(15)).await;
        }
    });
}

/// The web view shows the app and nothing else: a link or script that tries to navigate it to
/// another page (a feed's URL, a card's website, `javascript:`) is blocked; external links go
/// through `open_external`, which asks the user in a dialog of the operating system first.
fn navigation_guard<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_, url| {
            url.scheme() == "tauri"
                || url.host_str() == Some("tauri.localhost")
                || (cfg!(debug_assertions)
                    && matches!(url.host_str(), Some("localhost") | Some("127.0.0.1")))
        })
        .build()
}

/// WebKitGTK's DMA-BUF renderer keeps large buffers per web view; without a GPU (and on the
/// older laptops many administrations run) it falls back to software rendering with them anyway.
/// Turning it off cut the web process from 206 to 115 MiB PSS here (docs/benchmarks.md) with no
/// visible difference for a list-and-form UI. A user who sets the variable keeps their choice.
#[allow(unsafe_code)]
fn prefer_lean_webkit() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        // SAFETY: called first thing in main, before any other thread exists, so nothing can
        // read the environment concurrently.
        unsafe { std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1") };
    }
}

fn main() {
    prefer_lean_webkit();
    let passphrase = take_passphrase();
    let args: Vec<String> = std::env::args().collect();
    let probe = std::env::var_os("VERNETZT_STARTUP_PROBE").is_some();
    let launched = launch(&args);
    let pending = opening::Pending::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    pending.add(&args, &cwd);
    let mut single = tauri_plugin_single_instance::Builder::new().callback(opening::second_launch);
    if let Ok(l) = &launched {
        single = single.dbus_id(instance_id(&db_path(l)));
    }
    tauri::Builder::default()
        // First: a second launch hands over and exits before it opens the store or a window.
        .plugin(single.build())
        .manage(pending)
        .invoke_handler(tauri::generate_handler![
            commands::contacts::contacts_list,
            commands::contacts::contacts_search,
            commands::contacts::contact_get,
            commands::contacts::contact_create,
            commands::contacts::contact_update,
            commands::contacts::contact_delete,
            commands::contacts::contact_restore,
            commands::contacts::contacts_deleted,
            commands::contacts::contact_erase_deleted,
            commands::contacts::note_add,
            commands::contacts::note_update,
            commands::contacts::note_delete,
            commands::directory::orgs_list,
            commands::directory::org_create,
            commands::directory::lands_list,
            commands::directory::themenfelder_list,
            commands::directory::roles_list,
            commands::directory::role_change,
            commands::directory::role_holders,
            commands::app::setting_get,
            commands::app::setting_set,
            commands::app::app_ready,
            commands::events::feeds_list,
            commands::events::feed_add,
            commands::events::feed_remove,
            commands::events::feeds_sync,
            commands::events::events_list,
            commands::contacts::contacts_import_preview,
            commands::contacts::contacts_import,
            commands::contacts::duplicates_list,
            commands::contacts::contacts_merge,
            commands::contacts::merge_undo,
            commands::contacts::contact_timeline,
            commands::networking::attendance_list,
            commands::networking::attendance_mark,
            commands::networking::encounter_add,
            commands::networking::follow_ups_list,
            commands::networking::follow_up_add,
            commands::networking::follow_up_done,
            commands::networking::series_suggestions,
            commands::networking::series_confirm,
            commands::networking::series_list,
            commands::networking::series_matrix,
            commands::networking::quick_capture,
            commands::contacts::me_set,
            commands::contacts::me_get,
            commands::contacts::own_card,
            commands::invitations::own_event_create,
            commands::invitations::own_event_get,
            commands::invitations::own_event_update,
            commands::invitations::own_event_cancel,
            commands::invitations::event_copy,
            commands::invitations::invite_preview,
            commands::invitations::invite_add,
            commands::invitations::invite_remove,
            commands::invitations::rsvp_get,
            commands::invitations::invite_export,
            commands::invitations::rsvp_export_csv,
            commands::invitations::reply_import,
            commands::app::export_dir_default,
            commands::invitations::smtp_password_set,
            commands::invitations::invite_send,
            commands::sync::sync_account_get,
            commands::sync::sync_account_set,
            commands::sync::sync_now,
            commands::sync::sync_status,
            commands::sync::conflicts_list,
            commands::sync::conflict_resolve,
            commands::privacy::privacy_export,
            commands::privacy::privacy_erase,
            commands::privacy::privacy_stale,
            commands::privacy::privacy_recovery_key,
            commands::app::open_external,
            commands::app::accessibility_statement,
            commands::app::report_barrier,
            commands::app::choose_folder,
            opening::opens_take,
        ])
        .plugin(navigation_guard())
        // Only for `open_external`'s question and `choose_folder`'s dialog, asked from Rust; the web view is granted none of
        // the plugin's commands (capabilities/default.json).
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // The store opens here, after the single-instance check, not before it.
            tauri::Manager::manage(
                app,
                state::AppState::new(open_store(launched, passphrase), probe),
            );
            background_sync(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("error while running Vernetzt");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn demo_and_db_together_are_refused() {
        let err = launch(&args(&["vernetzt", "--demo", "--db", "/x/echt.db"])).unwrap_err();
        assert!(
            err.to_string().contains("cannot be combined with --db"),
            "{err}"
        );
        assert!(err.to_string().contains("echt.db"), "{err}");
        assert_eq!(
            launch(&args(&["vernetzt", "--demo"])).unwrap(),
            Launch {
                db: None,
                demo: true
            }
        );
        assert_eq!(
            launch(&args(&["vernetzt", "--db", "a.db"])).unwrap(),
            Launch {
                db: Some(PathBuf::from("a.db")),
                demo: false
            }
        );
    }

    #[test]
    fn launches_on_the_same_database_share_one_window() {
        let a = instance_id(std::path::Path::new("/x/a.db"));
        assert_eq!(a, instance_id(std::path::Path::new("/x/./a.db")));
        assert_ne!(a, instance_id(std::path::Path::new("/x/b.db")));
        assert!(a.starts_with("de.vernetzt.app.db_"), "{a}");
    }

    #[test]
    #[allow(unsafe_code)]
    fn the_passphrase_leaves_the_environment() {
        let name = vernetzt_net::dbkey::PASSPHRASE_ENV;
        // SAFETY: no other test of this crate reads or writes this variable.
        unsafe { std::env::set_var(name, "Geheim-42") };
        assert_eq!(take_passphrase().as_deref(), Some("Geheim-42"));
        assert!(
            std::env::var_os(name).is_none(),
            "removed, so no child inherits it"
        );
        assert_eq!(take_passphrase(), None);
    }
}
