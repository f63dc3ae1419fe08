//! Files with personal data that Vernetzt writes for the user: GDPR exports, RSVP lists,
//! invitation e-mails, exported address books.
//!
//! Two rules, one place:
//! - **Readable by the user only.** Such a file is created with mode 0600 on Unix, so that a
//!   shared machine's other accounts (or a world-readable Downloads folder) do not see it. On
//!   Windows a new file takes the ACL of its folder, which in the user's profile is the user's.
//! - **Nothing overwritten behind the user's back.** A file is created only if it does not exist
//!   yet (`create_new`, so no race between checking and writing). Into a folder the app chooses
//!   (exports into Downloads) the next free name is taken, as browsers do (`einladung (2).ics`);
//!   a path the user named on the command line is refused with a message saying so.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Opens `path` for writing only if it does not exist, readable and writable by the user only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Writes `bytes` to the new file `path` (see [`create_private`]). An existing file is an
/// `AlreadyExists` error and stays as it was; a failed write removes the partial file, so a full
/// disk leaves no half export behind.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = create_private(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        drop(file);
        let _ = std::fs::remove_file(path);
    }
    written
}

/// How many numbered names [`write_into`] tries before it gives up (a folder with a thousand
/// copies of one export is a mistake to report, not to extend).
const MAX_NUMBERED: u32 = 1000;

/// `name`, or `stem (n).ext` for the n-th copy.
fn numbered(name: &str, n: u32) -> String {
    if n < 2 {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// Writes `bytes` as `name` into `dir`, or under the next free numbered name when `name` is
/// taken; returns the path written.
pub fn write_into(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    for n in 1..=MAX_NUMBERED {
        let path = dir.join(numbered(name, n));
        match write_new(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
            Ok(()) => return Ok(path),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_NUMBERED} files named like {name} exist already"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_the_users_only_and_an_existing_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("auskunft-1.json");
        write_new(&path, b"first").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        }
        let again = write_new(&path, b"second").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
    }

    #[test]
    fn into_a_folder_the_next_free_name_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_into(dir.path(), "einladung.ics", b"1").unwrap();
        let b = write_into(dir.path(), "einladung.ics", b"2").unwrap();
        let c = write_into(dir.path(), "README", b"3").unwrap();
        let d = write_into(dir.path(), "README", b"4").unwrap();
        assert_eq!(a.file_name().unwrap(), "einladung.ics");
        assert_eq!(b.file_name().unwrap(), "einladung (2).ics");
        assert_eq!(d.file_name().unwrap(), "README (2)");
        assert_eq!(std::fs::read(&a).unwrap(), b"1");
        assert_eq!(std::fs::read(&b).unwrap(), b"2");
        assert_eq!(std::fs::read(&c).unwrap(), b"3");
    }
}
