//! A small file system for the full-disk tests, made without root: `unshare -rm` gives a
//! process a user and mount namespace of its own, where it may mount a tmpfs of a fixed size
//! over an empty temporary folder. That process then waits on its stdin, keeping the mount
//! alive; every `vernetzt` the test runs enters its namespaces with `nsenter` and sees the small
//! file system at the same path (everything else, the network included, is shared). The mount
//! goes away with the process: when the guard is dropped, or when the test process dies and
//! the pipe closes.
//!
//! A file system that runs full midway: the test stores what it needs first, then fills the
//! rest with a filler file and gives back a few KiB ([`SmallDisk::fill_leaving`]);
//! [`SmallDisk::free`] deletes the filler, the user freeing space.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

/// The database passphrase the tests give in `VERNETZT_DB_PASSPHRASE` (no keyring needed for
/// the database key).
pub const PASSPHRASE: &str = "Platte-voll-42";

/// A tmpfs of a fixed size in a namespace of its own; unmounted when dropped.
pub struct SmallDisk {
    holder: Child,
    /// Kept open: the holder waits for it to close.
    _stdin: ChildStdin,
    /// Where the small file system is mounted (seen only inside the namespace).
    pub dir: PathBuf,
    _mountpoint: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts a tmpfs of `kib` KiB. `None`, with the reason printed, only where this machine
    /// does not let an unprivileged process make a user and mount namespace.
    pub fn mount(kib: u32) -> Option<SmallDisk> {
        let mountpoint = tempfile::tempdir().unwrap();
        let dir = mountpoint.path().to_path_buf();
        let script = format!(
            "mount -t tmpfs -o size={kib}k tmpfs '{}' && echo mounted && exec cat >/dev/null",
            dir.display()
        );
        let mut holder = match Command::new("unshare")
            .args(["-rm", "sh", "-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(child) => child,
            Err(e) => {
                eprintln!("skipped: `unshare` cannot be run here ({e})");
                return None;
            }
        };
        let mut line = String::new();
        BufReader::new(holder.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.trim() != "mounted" {
            let mut why = String::new();
            let _ = holder.stderr.take().unwrap().read_to_string(&mut why);
            let _ = holder.wait();
            eprintln!(
                "skipped: `unshare -rm` may not make a namespace with a small tmpfs here: {}",
                why.trim()
            );
            return None;
        }
        let stdin = holder.stdin.take().unwrap();
        Some(SmallDisk {
            holder,
            _stdin: stdin,
            dir,
            _mountpoint: mountpoint,
        })
    }

    /// `PROGRAM` run inside the namespace, where the small file system is mounted.
    pub fn enter(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("nsenter");
        c.arg("--target")
            .arg(self.holder.id().to_string())
            .args(["--user", "--mount", "--preserve-credentials", "--"])
            .arg(program);
        c
    }

    /// `vernetzt --db DB` inside the namespace, with the tests' database passphrase.
    pub fn vernetzt(&self, db: &Path) -> Command {
        let mut c = self.enter(env!("CARGO_BIN_EXE_vernetzt"));
        c.arg("--db")
            .arg(db)
            .env("VERNETZT_DB_PASSPHRASE", PASSPHRASE);
        c
    }

    /// Runs a shell script inside the namespace, which must succeed; its stdout.
    pub fn sh(&self, script: &str) -> String {
        let out = self.enter("sh").args(["-c", script]).output().unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// KiB still free on the small file system.
    pub fn free_kib(&self) -> u64 {
        let out = self.sh(&format!("df -Pk '{}' | tail -n 1", self.dir.display()));
        out.split_whitespace().nth(3).unwrap().parse().unwrap()
    }

    /// Fills the file system with a filler file, then gives back `kib` KiB of it: the next
    /// write that needs more runs out of space.
    pub fn fill_leaving(&self, kib: u32) {
        let filler = self.dir.join("filler");
        self.sh(&format!(
            "cat /dev/zero >> '{f}' 2>/dev/null; truncate -s -{kib}K '{f}'",
            f = filler.display()
        ));
        let free = self.free_kib();
        assert!(free <= u64::from(kib) + 8, "filled, {free} KiB still free");
    }

    /// Deletes the filler: the user has freed space.
    pub fn free(&self) {
        self.sh(&format!("rm -f '{}'", self.dir.join("filler").display()));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}
