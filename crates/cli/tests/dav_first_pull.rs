//! The first sync of a large address book against a real Radicale on 127.0.0.1 (issue 15): the
//! pull goes in batches (`VERNETZT_DAV_BATCH`, small here so that a few hundred cards make many
//! steps), `vernetzt sync` counts it on stderr with a total that stays put and a done that only
//! grows, and a pull killed in the middle keeps what it stored: the next sync ends with every
//! card once. The password goes through the real keyring (run under
//! `crates/net/tests/with-keyring.sh`; `VERNETZT_NO_KEYRING=1` skips where there is none).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[path = "dav/servers.rs"]
#[allow(dead_code)]
mod servers;
mod support;

use servers::{Kind, PASSWORD, Server, USER};

const CARDS: usize = 300;

fn cmd(db: &Path) -> Command {
    let mut c = support::command(db);
    c.env("VERNETZT_EXTRA_CA", servers::tls_ca());
    c
}

fn ok(db: &Path, args: &[&str]) -> serde_json::Value {
    let out = cmd(db).arg("--json").args(args).output().unwrap();
    let (ok, v, err) = support::parsed(out);
    assert!(ok, "{args:?}: {err}");
    v
}

/// A device with the account; `None` when there is no keyring and skipping is allowed.
fn device(dir: &Path, name: &str, server: &Server) -> Option<PathBuf> {
    let db = dir.join(format!("{name}.db"));
    let out = support::with_stdin(
        cmd(&db).args(["--json", "account", "add", &server.url, "--user", USER]),
        format!("{PASSWORD}\n").as_bytes(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success()
        && err.contains("No keyring")
        && std::env::var("VERNETZT_NO_KEYRING").as_deref() == Ok("1")
    {
        eprintln!("skipped: VERNETZT_NO_KEYRING=1 and {err}");
        return None;
    }
    assert!(out.status.success(), "account add: {err}");
    Some(db)
}

/// The `pull DONE/TOTAL` steps in what `vernetzt sync` wrote to stderr.
fn pull_steps(stderr: &str) -> Vec<(usize, usize)> {
    stderr
        .split(['\r', '\n'])
        .filter_map(|s| s.trim().strip_prefix("pull "))
        .filter_map(|s| {
            let (d, t) = s.split_once('/')?;
            Some((d.parse().ok()?, t.parse().ok()?))
        })
        .collect()
}

/// The names of the contacts on a device, sorted.
fn names(db: &Path) -> Vec<String> {
    let list = ok(db, &["contacts", "list"]);
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn radicale_a_first_pull_in_batches_counts_up_and_resumes_after_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Server::start(Kind::Radicale, tmp.path());
    let Some(a) = device(tmp.path(), "laptop", &server) else {
        return;
    };
    let csv = tmp.path().join("liste.csv");
    let mut text = String::from("Vorname;Nachname;E-Mail\n");
    for i in 0..CARDS {
        text.push_str(&format!("Person;Nummer {i:04};p{i}@kommune.example\n"));
    }
    std::fs::write(&csv, text).unwrap();
    ok(&a, &["contacts", "import", csv.to_str().unwrap()]);
    ok(&a, &["sync"]);
    assert_eq!(server.cards().len(), CARDS);
    let want = names(&a);

    // A whole first pull in batches of 20: fifteen steps, the total fixed, done growing.
    let b = device(tmp.path(), "tablet", &server).unwrap();
    let out = cmd(&b)
        .env("VERNETZT_DAV_BATCH", "20")
        .arg("sync")
        .output()
        .unwrap();
    assert!(out.status.success());
    let steps = pull_steps(&String::from_utf8_lossy(&out.stderr));
    assert_eq!(steps.len(), CARDS / 20, "{steps:?}");
    assert!(steps.iter().all(|&(_, t)| t == CARDS), "{steps:?}");
    assert!(steps.windows(2).all(|w| w[0].0 < w[1].0), "{steps:?}");
    assert_eq!(steps.last().unwrap().0, CARDS);
    assert_eq!(names(&b), want);

    // Killed once a third is reported stored: what was stored stays, the next sync fetches
    // the rest, and every card is there once.
    let c = device(tmp.path(), "phone", &server).unwrap();
    let mut child = cmd(&c)
        .env("VERNETZT_DAV_BATCH", "10")
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    loop {
        let n = err.read(&mut buf).unwrap();
        assert!(n > 0, "the sync ended before a third was stored: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        if pull_steps(&seen)
            .last()
            .is_some_and(|&(d, _)| d >= CARDS / 3)
        {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = names(&c).len();
    assert!((CARDS / 3..CARDS).contains(&kept), "kept {kept}");
    let out = cmd(&c)
        .env("VERNETZT_DAV_BATCH", "10")
        .arg("sync")
        .output()
        .unwrap();
    assert!(out.status.success());
    let steps = pull_steps(&String::from_utf8_lossy(&out.stderr));
    assert!(
        steps
            .last()
            .is_some_and(|&(d, t)| d == t && t <= CARDS - kept),
        "only the rest is fetched: {steps:?}"
    );
    assert_eq!(names(&c), want, "every card once");
}
