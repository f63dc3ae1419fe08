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

/// Opens an https, http or mailto link in the system's browser or mail program, after the UI
/// asked the user; anything else is refused.
#[tauri::command]
pub fn open_external(url: String) -> CmdResult<()> {
    let link = vernetzt_core::rules::external_link(&url).map_err(|m| UiError {
        kind: "validation",
        message: m,
        code: Some("link_refused"),
        field: Some("url"),
    })?;
    open::that_detached(&link)
        .map_err(|e| UiError::internal(format!("no program opened the link: {e}")))
}
