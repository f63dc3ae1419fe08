//! The app itself: settings, start-up, the export folder, opening links, the accessibility
//! statement and reports of barriers.

use crate::error::{CmdResult, UiError};
use crate::state::AppState;
use tauri::State;

store_commands! {
    /// Reads a setting the UI may use (`vernetzt_core::settings::UI_KEYS`).
    fn setting_get(key: String) -> Option<String> = |s| s.ui_setting(&key);

    /// Writes a setting the UI may use, after its check (a time zone must be an IANA name).
    fn setting_set(key: String, value: String) -> () = |s| s.set_ui_setting(&key, &value);
}

/// Called by the UI once the first contacts list is on screen; prints the wall-clock time for the
/// start-up benchmark when `VERNETZT_STARTUP_PROBE` is set.
#[tauri::command]
pub fn app_ready(state: State<'_, AppState>) {
    state.report_ready();
}

/// The folder exports go to when none is named.
#[tauri::command]
pub fn export_dir_default() -> Option<String> {
    vernetzt_core::paths::default_export_dir().map(|d| d.display().to_string())
}

/// The app's version, named in the accessibility statement and in reports of barriers.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the accessibility statement names: the deploying body, the contact address and the
/// Schlichtungsstelle (the Bund's by default), and the app's version.
#[tauri::command]
pub fn accessibility_statement(
    state: State<'_, AppState>,
) -> CmdResult<vernetzt_core::accessibility::Statement> {
    Ok(state.store()?.accessibility_statement(VERSION))
}

/// "Barriere melden": opens a new mail to the statement's contact address, with the version,
/// the view and the language, in the user's mail program, to edit before sending. The link is
/// built in core from the settings and two codes from closed lists, so the web view cannot put
/// a query of its own (`attach=`, `cc=`) into it; it is opened without a question because
/// nothing in it comes from outside data, and the user still sends it. `true` when it opened;
/// under [`OPEN_LOG_ENV`] the link is written to that file instead.
#[tauri::command]
pub fn report_barrier(
    state: State<'_, AppState>,
    view: String,
    language: String,
) -> CmdResult<bool> {
    let link = state.store()?.feedback_mailto(VERSION, &view, &language)?;
    if let Some(path) = std::env::var_os(OPEN_LOG_ENV) {
        let line = vernetzt_core::rules::OpenQuestion {
            title: "report_barrier".into(),
            message: String::new(),
            open: String::new(),
            cancel: String::new(),
            link,
        };
        record_question(std::path::Path::new(&path), &line)?;
        return Ok(false);
    }
    open::that_detached(&link)
        .map_err(|e| UiError::internal(format!("no mail program opened: {e}")))?;
    Ok(true)
}

/// Asks for a folder in the platform's own dialog (for exports), starting in `start` when it is
/// a folder. `None` when the user cancelled. The dialog runs from Rust, so the web view needs no
/// grant of the dialog plugin and gets back only the path the user chose.
#[tauri::command]
pub async fn choose_folder(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    start: Option<String>,
) -> CmdResult<Option<String>> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let english = state.store().ok().and_then(|s| {
        s.ui_setting(vernetzt_core::settings::LANGUAGE)
            .ok()
            .flatten()
    }) == Some("en".to_string());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_title(if english {
        "Choose a folder"
    } else {
        "Ordner wählen"
    });
    if let Some(dir) = start.map(std::path::PathBuf::from).filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog.pick_folder(move |folder| {
        let _ = tx.send(folder);
    });
    let Some(folder) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    let path = folder
        .into_path()
        .map_err(|e| UiError::internal(format!("not a folder on this computer: {e}")))?;
    Ok(Some(path.display().to_string()))
}

/// When set, `open_external` writes each question it would ask to this file (one JSON line:
/// title, message, buttons, link) and answers "no": no dialog, nothing opens. The end-to-end
/// tests set it, because WebDriver cannot click a dialog of the operating system. The variable
/// can only keep links closed, never open one unasked, so it is honoured in every build.
pub const OPEN_LOG_ENV: &str = "VERNETZT_OPEN_LOG";

/// Opens an https, http or mailto link in the system's browser or mail program after the user
/// agreed in a dialog of the operating system, which a script in the web view can neither answer
/// nor change. What is asked (and whether the link may be opened at all) is
/// `vernetzt_core::rules::open_question`'s decision; this only shows it. `true` when it opened.
#[tauri::command]
pub async fn open_external(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    url: String,
) -> CmdResult<bool> {
    use tauri::Manager;
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let language = state.store().ok().and_then(|s| {
        s.ui_setting(vernetzt_core::settings::LANGUAGE)
            .ok()
            .flatten()
    });
    let question =
        vernetzt_core::rules::open_question(&url, language.as_deref()).map_err(|m| UiError {
            kind: "validation",
            message: m,
            code: Some("link_refused"),
            field: Some("url"),
        })?;
    if let Some(path) = std::env::var_os(OPEN_LOG_ENV) {
        record_question(std::path::Path::new(&path), &question)?;
        return Ok(false);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .message(&question.message)
        .title(&question.title)
        .kind(MessageDialogKind::Info)
        .buttons(MessageDialogButtons::OkCancelCustom(
            question.open.clone(),
            question.cancel.clone(),
        ));
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.parent(&window);
    }
    dialog.show(move |yes| {
        let _ = tx.send(yes);
    });
    if !rx.await.unwrap_or(false) {
        return Ok(false);
    }
    open::that_detached(&question.link)
        .map_err(|e| UiError::internal(format!("no program opened the link: {e}")))?;
    Ok(true)
}

/// Appends the question to the file [`OPEN_LOG_ENV`] names (readable only by the user: the links
/// hold e-mail addresses).
fn record_question(
    path: &std::path::Path,
    question: &vernetzt_core::rules::OpenQuestion,
) -> CmdResult<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let line = serde_json::to_string(question).map_err(|e| UiError::internal(e.to_string()))?;
    options
        .open(path)
        .and_then(|mut f| writeln!(f, "{line}"))
        .map_err(|e| UiError::internal(format!("{OPEN_LOG_ENV}: {e}")))
}
