//! The app itself: settings, start-up, the export folder, opening links.

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
