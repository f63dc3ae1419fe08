//! Files and links the desktop asks the app to open (`vernetzt-app %U`: a double-clicked `.vcf`
//! or `.ics`, a `webcal://` link), from this launch's arguments or handed over by a second
//! launch (tauri-plugin-single-instance). Which argument is what is decided by
//! `vernetzt_core::opening`; here the files are read and the links normalised, and the result
//! waits until the window takes it (`opens_take`): the window asks once when it starts and again
//! whenever the event `vernetzt-opens` tells it that a second launch brought something.

use crate::error::CmdResult;
use serde::Serialize;
use std::path::Path;
use std::sync::Mutex;
use tauri::{Manager, State};
use vernetzt_core::opening::{Opening, classify};

/// The largest file read for the import preview (the UI's own limit for a chosen file).
const MAX_FILE_BYTES: u64 = 60 * 1024 * 1024;

/// One thing for the window to open, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Open {
    /// A vCard file for the contacts import preview: its name and its bytes as base64.
    Contacts {
        /// The file's name, for the dialog.
        name: String,
        /// The content, base64 (what `contacts_import_preview` takes).
        data: String,
    },
    /// An iCalendar file (an answer to an invitation) for the reply import.
    Calendar {
        /// The file's name, for the dialog.
        name: String,
        /// The content, base64 (what `reply_import` takes).
        data: String,
    },
    /// A calendar link for the "subscribe to feed" form, already as `https://`.
    Feed {
        /// The address to fill in.
        url: String,
    },
    /// A file that could not be read (gone, not allowed, too large): named so the user learns why
    /// nothing opened.
    Unreadable {
        /// The file's name.
        name: String,
    },
}

/// What is waiting for the window.
#[derive(Default)]
pub struct Pending(Mutex<Vec<Open>>);

impl Pending {
    /// Adds what `args` (a launch's arguments, given in folder `cwd`) ask to open; true if any.
    pub fn add(&self, args: &[String], cwd: &Path) -> bool {
        let found: Vec<Open> = classify(args, cwd).into_iter().filter_map(read).collect();
        let any = !found.is_empty();
        if let Ok(mut list) = self.0.lock() {
            list.extend(found);
        }
        any
    }
}

fn read(opening: Opening) -> Option<Open> {
    use base64::Engine;
    let (path, contacts) = match opening {
        Opening::Feed(link) => {
            return vernetzt_net::feed::normalize_feed_url(&link)
                .ok()
                .map(|url| Open::Feed { url: url.into() });
        }
        Opening::Contacts(path) => (path, true),
        Opening::Calendar(path) => (path, false),
    };
    let name = path.file_name()?.to_string_lossy().into_owned();
    let bytes = std::fs::metadata(&path)
        .ok()
        .filter(|m| m.is_file() && m.len() <= MAX_FILE_BYTES)
        .and_then(|_| std::fs::read(&path).ok());
    let Some(bytes) = bytes else {
        return Some(Open::Unreadable { name });
    };
    let data = base64::engine::general_purpose::STANDARD.encode(bytes);
    Some(if contacts {
        Open::Contacts { name, data }
    } else {
        Open::Calendar { name, data }
    })
}

/// A second launch's arguments: queued for the window, which is told and brought to the front.
pub fn second_launch(app: &tauri::AppHandle, args: Vec<String>, cwd: String) {
    let any = app.state::<Pending>().add(&args, Path::new(&cwd));
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
        if any {
            // A plain DOM event: the web view needs no event permission to hear it.
            let _ = window.eval("window.dispatchEvent(new Event('vernetzt-opens'))");
        }
    }
}

/// Hands the window what waits to be opened, once.
#[tauri::command]
pub fn opens_take(pending: State<'_, Pending>) -> CmdResult<Vec<Open>> {
    Ok(pending
        .0
        .lock()
        .map(|mut list| std::mem::take(&mut *list))
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_links_normalised_and_taken_once() {
        let dir = std::env::temp_dir().join(format!("vernetzt-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("karte.vcf"), "BEGIN:VCARD\r\n").unwrap();
        let pending = Pending::default();
        let args = [
            "vernetzt-app",
            "karte.vcf",
            "fehlt.ics",
            "webcal://k.example/a.ics",
        ];
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        assert!(pending.add(&args, &dir));
        let list = std::mem::take(&mut *pending.0.lock().unwrap());
        assert_eq!(
            list,
            vec![
                Open::Contacts {
                    name: "karte.vcf".into(),
                    data: "QkVHSU46VkNBUkQNCg==".into()
                },
                Open::Unreadable {
                    name: "fehlt.ics".into()
                },
                Open::Feed {
                    url: "https://k.example/a.ics".into()
                },
            ]
        );
        assert!(!pending.add(&args[..1], &dir));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
