//! What the desktop asks the app to open: the arguments of a launch by a file manager, a mail
//! program or a browser (`vernetzt-app %U` in the desktop entry), sorted into files to import and
//! calendar links to subscribe to. Pure: the shell passes the arguments and the folder they were
//! given in, reads the files, and hands the result to the window (also from a second launch,
//! which passes its arguments to the window already open).
//!
//! Everything not recognised is ignored, never guessed at: the app's own options (`--db PATH`,
//! `--demo`), an `http(s)` address (a browser's business), a file of another kind.

use std::path::{Path, PathBuf};

/// The longest link taken from the command line; a feed address is never longer in practice, and
/// the limit keeps a crafted link from filling the form with megabytes.
pub const MAX_LINK_CHARS: usize = 2048;

/// One thing to open, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// A vCard file (`.vcf`, `.vcard`): shown in the contacts import preview.
    Contacts(PathBuf),
    /// An iCalendar file (`.ics`, `.ical`): an answer to an invitation, read by the reply import.
    Calendar(PathBuf),
    /// A `webcal://` or `webcals://` link, as given: the feed form is filled with it (the feeds
    /// code turns it into `https://`).
    Feed(String),
}

/// Sorts the launch arguments `args` (the program's name first, as `std::env::args` gives them)
/// into what to open; relative paths are taken from `cwd`, the folder of the launch.
pub fn classify(args: &[String], cwd: &Path) -> Vec<Opening> {
    let mut out = Vec::new();
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        if arg == "--db" {
            rest.next();
            continue;
        }
        if let Some(opening) = one(arg, cwd) {
            out.push(opening);
        }
    }
    out
}

fn one(arg: &str, cwd: &Path) -> Option<Opening> {
    if arg.starts_with('-') || arg.is_empty() || arg.chars().any(char::is_control) {
        return None;
    }
    let lower = arg.to_ascii_lowercase();
    if lower.starts_with("webcal://") || lower.starts_with("webcals://") {
        let fine = arg.len() <= MAX_LINK_CHARS
            && !arg.contains(char::is_whitespace)
            && arg.split_once("://").is_some_and(|(_, rest)| {
                !rest.is_empty() && !rest.starts_with('/') && !rest.starts_with('@')
            });
        return fine.then(|| Opening::Feed(arg.to_owned()));
    }
    let path = if lower.starts_with("file://") {
        file_url_path(&arg["file://".len()..])?
    } else if lower.contains("://") {
        return None;
    } else {
        cwd.join(arg)
    };
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "vcf" | "vcard" => Some(Opening::Contacts(path)),
        "ics" | "ical" | "ifb" => Some(Opening::Calendar(path)),
        _ => None,
    }
}

/// The path of a `file://` URL (after the scheme): only a local one (no host, or `localhost`),
/// percent escapes decoded; `None` for another computer's file or a broken escape.
fn file_url_path(rest: &str) -> Option<PathBuf> {
    let path = if rest.starts_with('/') {
        rest
    } else {
        rest.strip_prefix("localhost/")
            .map(|_| &rest["localhost".len()..])?
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains('\0')).then(|| PathBuf::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(list: &[&str]) -> Vec<Opening> {
        let args: Vec<String> = list.iter().map(|a| a.to_string()).collect();
        classify(&args, Path::new("/home/anna/Downloads"))
    }

    #[test]
    fn files_are_sorted_by_extension_taken_from_the_launch_folder_or_decoded_from_file_urls() {
        let contacts = |p: &str| Opening::Contacts(PathBuf::from(p));
        let calendar = |p: &str| Opening::Calendar(PathBuf::from(p));
        let cases = [
            (
                vec!["karte.VCF", "/tmp/antwort.ics", "liste.vcard"],
                vec![
                    contacts("/home/anna/Downloads/karte.VCF"),
                    calendar("/tmp/antwort.ics"),
                    contacts("/home/anna/Downloads/liste.vcard"),
                ],
            ),
            (
                vec![
                    "file:///home/anna/M%C3%BCller%20Karte.vcf",
                    "file://localhost/tmp/a.ics",
                ],
                vec![
                    contacts("/home/anna/Müller Karte.vcf"),
                    calendar("/tmp/a.ics"),
                ],
            ),
        ];
        for (args, want) in cases {
            let mut all = vec!["vernetzt-app"];
            all.extend(args);
            assert_eq!(run(&all), want);
        }
    }

    #[test]
    fn only_local_file_urls_with_sound_escapes_are_taken() {
        assert!(run(&["x", "file://server/share/a.vcf"]).is_empty());
        assert!(run(&["x", "file:///tmp/kaputt%G1.vcf"]).is_empty());
        assert!(run(&["x", "file:///tmp/null%00.vcf"]).is_empty());
    }

    #[test]
    fn webcal_links_are_kept_as_given_and_checked() {
        assert_eq!(
            run(&[
                "x",
                "webcal://kalender.example/ozg.ics",
                "WEBCALS://k.example/a"
            ]),
            vec![
                Opening::Feed("webcal://kalender.example/ozg.ics".into()),
                Opening::Feed("WEBCALS://k.example/a".into()),
            ]
        );
        let long = format!("webcal://k.example/{}", "a".repeat(MAX_LINK_CHARS));
        for bad in [
            "webcal://",
            "webcal:///nur/pfad",
            "webcal://k.example/a b",
            "webcal://k.example/\u{7}",
            long.as_str(),
        ] {
            assert!(run(&["x", bad]).is_empty(), "{bad}");
        }
    }

    #[test]
    fn the_apps_options_and_everything_else_are_ignored() {
        assert!(
            run(&[
                "vernetzt-app",
                "--db",
                "/tmp/x.ics",
                "--demo",
                "https://kalender.example/a.ics",
                "mailto:anna@example.org",
                "notizen.txt",
                "ohne-endung",
                ""
            ])
            .is_empty()
        );
        assert!(run(&["vernetzt-app"]).is_empty());
    }
}
