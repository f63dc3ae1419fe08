//! Where the database lives by default: the user's data directory (XDG on Linux), shared by the
//! app and the CLI so both see the same data without configuration.

use std::path::PathBuf;

/// The default database file, `$XDG_DATA_HOME/vernetzt/vernetzt.db` on Linux, or `None` when the
/// system names no home directory. `VERNETZT_DB` overrides it.
pub fn default_db_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VERNETZT_DB").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("de", "Vernetzt", "vernetzt")
        .map(|d| d.data_dir().join("vernetzt.db"))
}

/// The demo database beside the default one, so `--demo` never touches real contacts.
pub fn demo_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("de", "Vernetzt", "vernetzt")
        .map(|d| d.data_dir().join("demo.db"))
}

/// Where exports go when the user names no folder: `Downloads/Vernetzt` (XDG download dir),
/// or `~/Vernetzt` where the system names no download folder.
pub fn default_export_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    Some(
        user.download_dir()
            .map(|d| d.join("Vernetzt"))
            .unwrap_or_else(|| user.home_dir().join("Vernetzt")),
    )
}
