//! The real SMTP server of the invitation tests: `tests/python/smtp_sink.py` (aiosmtpd) in the
//! tests' virtualenv on 127.0.0.1, writing each accepted message into a folder.

use super::venv::{python, repo};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The real SMTP server, killed when dropped.
pub struct Sink {
    child: Child,
    port: u16,
    /// Where each accepted message is written.
    pub dir: PathBuf,
}

impl Sink {
    /// Starts it writing into `dir`, with `smtp_sink.py`'s `extra` options.
    pub fn start(dir: &Path, extra: &[&str]) -> Sink {
        let mut child = Command::new(python())
            .arg(repo().join("tests/python/smtp_sink.py"))
            .arg(dir)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("port ")
            .unwrap_or_else(|| panic!("smtp sink said {line:?}"))
            .parse()
            .unwrap();
        Sink {
            child,
            port,
            dir: dir.to_path_buf(),
        }
    }

    /// Its address, for `invite send --smtp`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// How many messages it has accepted.
    pub fn count(&self) -> usize {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".eml")
            })
            .count()
    }

    /// The envelope recipient of each accepted message (the sink's first line), in order.
    pub fn recipients(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                let first = text.lines().next().unwrap_or_default();
                first.trim_start_matches("X-Envelope-To: ").to_lowercase()
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
