//! What several subcommands need from the world around them: files, stdin, the keyring and an
//! async runtime for the network crate. One copy each, so every command words the same failure
//! the same way.

use crate::Failure;
use crate::output::{Outcome, Output};
use std::io::Read;
use std::path::{Path, PathBuf};
use vernetzt_net::Secrets;

/// The keyring entries of Vernetzt (feed passwords, the sync and SMTP accounts, the database
/// key): one service name for all of them.
pub fn secrets() -> Secrets {
    Secrets::new(vernetzt_net::feed_sync::SECRETS_SERVICE)
}

/// A single-threaded runtime: the CLI runs one network job at a time and then exits.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Other(format!("cannot start the runtime: {e}")))
}

/// A word of the user's from a fixed set (a status, a level, a format), read with `parse`; the
/// failure names the word and the set, the same way for every command.
pub fn choice<T>(
    word: &str,
    parse: impl FnOnce(&str) -> Option<T>,
    what: &str,
    choices: &str,
) -> Result<T, Failure> {
    parse(word).ok_or_else(|| Failure::Usage(format!("'{word}' is not a {what}: use {choices}")))
}

/// Writes a new file the user named, readable by the user only; an existing file is refused and
/// kept (what is written here is personal data, see `vernetzt_core::files`). The failure names
/// the file.
pub fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
    vernetzt_core::files::write_new(path, bytes.as_ref()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::Other(format!(
                "{} exists already; Vernetzt does not overwrite it: name another file or remove it first",
                path.display()
            ))
        } else {
            Failure::Other(format!("cannot write {}: {e}", path.display()))
        }
    })
}

/// Reads a file the user named; the message names the file (the caller chooses the failure's
/// kind: a missing input file is a usage error for some commands, not for others).
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A password or token from all of stdin, without the final line break (so that
/// `echo secret | vernetzt …` and a here-document both work).
pub fn stdin_secret(what: &str) -> Result<String, Failure> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Other(format!("cannot read {what}: {e}")))?;
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// A secret from the first line of stdin, without its line break; the rest of stdin stays for
/// the command (std's stdin is buffered once per process, so nothing read ahead is lost). An
/// empty line is refused: it would silently mean "no passphrase".
pub fn stdin_line(what: &str) -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::Other(format!("cannot read {what}: {e}")))?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    if line.is_empty() {
        return Err(Failure::Usage(format!("{what} on stdin is empty")));
    }
    Ok(line)
}

/// An exported file's content: written to `out` when given (printing nothing), else printed as
/// is, with or without `--json`.
pub fn to_file_or_stdout(out: Option<PathBuf>, content: String) -> Outcome {
    match out {
        Some(path) => write_file(&path, content).map(|()| Output::nothing()),
        None => Ok(Output::raw(content)),
    }
}
