//! Files the app writes for the user into a folder: the invitation (`.ics` and one `.eml` each),
//! the RSVP list as CSV, and the GDPR information export (JSON and vCard).
//!
//! These used to be put together in the Tauri commands; here they are one call each, tested
//! without a display, and the folder rule (the one the user named, else `Downloads/Vernetzt`)
//! is written once.

use crate::invite;
use crate::store::ExportFile;
use crate::{Error, Store};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// The name of the RSVP list in the export folder.
pub const RSVP_CSV_NAME: &str = "rueckmeldungen.csv";

/// What an export wrote, as the UI shows it ("3 Dateien in …").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Written {
    /// The folder.
    pub dir: String,
    /// The files, with their full paths.
    pub files: Vec<String>,
}

/// Why an export wrote nothing. The first two are not the user's data at fault, so the shell
/// reports them as its own errors; a failed write is a core validation error (`export_failed`).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// No folder was named and the system names no home folder to default to.
    #[error("no folder given and the system names no home folder")]
    NoFolder,
    /// The export could not be encoded (a bug; serde_json's words).
    #[error("{0}")]
    Encode(String),
    /// The store failed, or a file could not be written.
    #[error(transparent)]
    Store(#[from] Error),
}

/// The folder to write to: the one named (if not blank), else `fallback` (the system's default
/// export folder, see [`crate::paths::default_export_dir`]).
pub fn choose_dir(
    named: Option<&str>,
    fallback: impl FnOnce() -> Option<PathBuf>,
) -> Result<PathBuf, ExportError> {
    named
        .filter(|d| !d.trim().is_empty())
        .map(PathBuf::from)
        .or_else(fallback)
        .ok_or(ExportError::NoFolder)
}

/// [`choose_dir`] with the system's default export folder.
pub fn export_dir(named: Option<&str>) -> Result<PathBuf, ExportError> {
    choose_dir(named, crate::paths::default_export_dir)
}

/// Writes `files` into `dir` (created if missing) and says what was written.
pub fn write(dir: &Path, files: &[ExportFile]) -> Result<Written, ExportError> {
    let paths = invite::write_files(dir, files)?;
    Ok(Written {
        dir: dir.display().to_string(),
        files: paths.iter().map(|p| p.display().to_string()).collect(),
    })
}

/// The invitation of own event `uid` (`.ics` with everyone, one `.eml` each) into `dir`
/// (default: Downloads), for users who send from their own mail program.
pub fn invitations(
    store: &Store,
    uid: &str,
    dir: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Written, ExportError> {
    let dir = export_dir(dir)?;
    write(&dir, &store.export_invitations(uid, now)?)
}

/// The RSVP list of own event `uid` as CSV for German Excel into `dir`.
pub fn rsvp_csv(store: &Store, uid: &str, dir: Option<&str>) -> Result<Written, ExportError> {
    let dir = export_dir(dir)?;
    write(&dir, &[rsvp_file(store, uid)?])
}

/// The RSVP list as a file, not yet written.
pub fn rsvp_file(store: &Store, uid: &str) -> crate::Result<ExportFile> {
    Ok(ExportFile {
        name: RSVP_CSV_NAME.into(),
        bytes: invite::rsvp_csv(&store.invitees(uid)?).into_bytes(),
    })
}

/// Everything stored about contact `id` (GDPR Art. 15) as `auskunft-ID.json` and
/// `auskunft-ID.vcf` into `dir`.
pub fn person(store: &Store, id: i64, dir: Option<&str>) -> Result<Written, ExportError> {
    let dir = export_dir(dir)?;
    write(&dir, &person_files(store, id)?)
}

/// The GDPR export of contact `id` as files, not yet written.
pub fn person_files(store: &Store, id: i64) -> Result<[ExportFile; 2], ExportError> {
    let x = store.export_person(id)?;
    let stem = format!("auskunft-{id}");
    Ok([
        ExportFile {
            name: format!("{stem}.json"),
            bytes: serde_json::to_vec_pretty(&x).map_err(|e| ExportError::Encode(e.to_string()))?,
        },
        ExportFile {
            name: format!("{stem}.vcf"),
            bytes: x.vcard.into_bytes(),
        },
    ])
}

/// Erases people completely (GDPR Art. 17), one after the other; stops at the first that fails
/// (those before it stay erased, as each erase is its own transaction).
///
/// Each erasure is first recorded for the sync ([`Store::record_erasure`]: the UID on the list
/// of erased UIDs that every pull respects, the addresses as keyed hashes, the own events that
/// invited the person queued for upload without them), then carried out. A crash in between
/// is finished before the next sync ([`Store::finish_erasures`]).
pub fn erase_people(store: &mut Store, ids: &[i64]) -> crate::Result<()> {
    for &id in ids {
        store.record_erasure(id)?;
        store.erase_person(id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::contact;

    fn own_event(s: &mut Store, ids: &[i64]) -> String {
        s.set_setting(crate::settings::ORGANIZER_NAME, "FITKO")
            .unwrap();
        s.set_setting(crate::settings::ORGANIZER_EMAIL, "info@fitko.example")
            .unwrap();
        let ev = crate::test_support::own_event(s, "OZG-Erfahrungsaustausch");
        s.add_invitees(&ev.uid, ids, &Default::default()).unwrap();
        ev.uid
    }

    #[test]
    fn the_named_folder_wins_unless_blank() {
        let sys = || Some(PathBuf::from("/home/u/Downloads/Vernetzt"));
        assert_eq!(
            choose_dir(Some("/tmp/x"), sys).unwrap(),
            PathBuf::from("/tmp/x")
        );
        for blank in [None, Some(""), Some("  ")] {
            assert_eq!(
                choose_dir(blank, sys).unwrap(),
                PathBuf::from("/home/u/Downloads/Vernetzt")
            );
        }
        let e = choose_dir(None, || None).unwrap_err();
        assert!(matches!(e, ExportError::NoFolder));
        assert_eq!(
            e.to_string(),
            "no folder given and the system names no home folder"
        );
    }

    #[test]
    fn invitations_and_rsvp_list_are_written() {
        let mut s = Store::open_in_memory().unwrap();
        let a = contact(&mut s, "Anna Adler", Some("anna@land.example"));
        let uid = own_event(&mut s, &[a]);
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("neu");
        let w = invitations(&s, &uid, d.to_str(), s.now()).unwrap();
        assert_eq!(w.dir, d.display().to_string());
        assert_eq!(w.files.len(), 2, "{w:?}");
        assert!(w.files[0].ends_with(".ics"));
        assert!(w.files.iter().all(|f| Path::new(f).is_file()));

        let w = rsvp_csv(&s, &uid, d.to_str()).unwrap();
        assert_eq!(w.files, [d.join(RSVP_CSV_NAME).display().to_string()]);
        let text = std::fs::read_to_string(&w.files[0]).unwrap();
        assert!(text.contains("Anna Adler"), "{text}");
        assert_eq!(
            rsvp_file(&s, &uid).unwrap().bytes,
            text.as_bytes(),
            "the file holds the list as invite::rsvp_csv writes it"
        );
    }

    #[test]
    fn an_unknown_event_writes_nothing() {
        let s = Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("leer");
        let e = rsvp_csv(&s, "no-such-uid", d.to_str()).unwrap_err();
        assert!(matches!(e, ExportError::Store(_)), "{e:?}");
        assert!(!d.exists());
    }

    #[test]
    fn gdpr_export_then_erase() {
        let mut s = Store::open_in_memory().unwrap();
        let a = contact(&mut s, "Anna Adler", Some("anna@land.example"));
        let b = contact(&mut s, "Bernd Bauer", Some("bernd@land.example"));
        let dir = tempfile::tempdir().unwrap();
        let w = person(&s, a, dir.path().to_str()).unwrap();
        let names: Vec<_> = w
            .files
            .iter()
            .map(|f| {
                Path::new(f)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            names,
            [format!("auskunft-{a}.json"), format!("auskunft-{a}.vcf")]
        );
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&w.files[0]).unwrap()).unwrap();
        assert!(json.to_string().contains("Anna Adler"));
        let vcf = std::fs::read_to_string(&w.files[1]).unwrap();
        assert!(vcf.starts_with("BEGIN:VCARD"), "{vcf}");

        erase_people(&mut s, &[a, b]).unwrap();
        assert!(s.contact(a).is_err());
        assert!(s.contact(b).is_err());
        assert_eq!(s.list_contacts(0, 10).unwrap().total, 0);
    }
}
