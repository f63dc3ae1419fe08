//! The `vernetzt` binary as a script would use it: real processes, a real database file.

mod support;

use std::process::Command;
use support::{add_contact, fails, ok_json, temp_db};

#[test]
fn contact_lifecycle_as_json() {
    let (_dir, db) = temp_db();
    let c = add_contact(
        &db,
        "Dr. Jördis Müller",
        &[
            ("--email", "j.mueller@fitko.de"),
            ("--email", "jm@example.org"),
            ("--phone", "+49 69 401270-11"),
            ("--org", "FITKO"),
            ("--role", "Produktmanagerin"),
            ("--tag", "FIT-Connect"),
            ("--note", "Erfurt, Workshop 2"),
        ],
    );
    assert_eq!(c["name"], "Dr. Jördis Müller");
    assert_eq!(c["given_name"], "Jördis");
    assert_eq!(c["family_name"], "Müller");
    assert_eq!(c["title"], "Dr.");
    assert_eq!(
        c["emails"],
        serde_json::json!(["j.mueller@fitko.de", "jm@example.org"])
    );
    assert_eq!(c["phones"], serde_json::json!(["+49 69 401270-11"]));
    assert_eq!(c["organization"], "FITKO (Föderale IT-Kooperation)");
    assert_eq!(c["role"], "Produktmanagerin");
    assert_eq!(c["tags"], serde_json::json!(["FIT-Connect"]));
    assert_eq!(c["notes"][0]["body"], "Erfurt, Workshop 2");
    let id = c["id"].as_i64().unwrap().to_string();

    for q in ["Mueller", "muller", "JOERDIS", "jör", "fitko", "erfurt"] {
        let hits = ok_json(&db, &["contacts", "search", q]);
        assert_eq!(hits.as_array().unwrap().len(), 1, "query {q}");
        assert_eq!(hits[0]["id"].as_i64().unwrap().to_string(), id);
    }

    let edited = ok_json(
        &db,
        &[
            "contacts",
            "edit",
            &id,
            "--role",
            "OZG-Koordinatorin",
            "--note",
            "Folgetermin",
        ],
    );
    assert_eq!(edited["role"], "OZG-Koordinatorin");
    assert_eq!(edited["notes"].as_array().unwrap().len(), 2);
    assert_eq!(
        edited["emails"].as_array().unwrap().len(),
        2,
        "unchanged fields stay"
    );

    let list = ok_json(&db, &["contacts", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1);

    ok_json(&db, &["contacts", "delete", &id]);
    assert_eq!(ok_json(&db, &["contacts", "list"]), serde_json::json!([]));
    assert!(fails(&db, &["contacts", "show", &id]).contains("not found"));
    ok_json(&db, &["contacts", "restore", &id]);
    assert_eq!(
        ok_json(&db, &["contacts", "show", &id])["name"],
        "Dr. Jördis Müller"
    );
}

#[test]
fn orgs_filter_by_level_and_land() {
    let (_dir, db) = temp_db();
    let bayern = ok_json(
        &db,
        &["orgs", "list", "--level", "kommune", "--land", "Bayern"],
    );
    let arr = bayern.as_array().unwrap();
    assert_eq!(arr.len(), 96);
    assert!(
        arr.iter()
            .all(|o| o["land"] == "Bayern" && o["level"] == "kommune")
    );
    assert!(
        arr.iter()
            .any(|o| o["key"] == "09162" && o["name"] == "München, Landeshauptstadt")
    );
    let bund = ok_json(&db, &["orgs", "list", "--level", "bund"]);
    assert!(
        bund.as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "Bundesministerium des Innern" && o["land"].is_null())
    );
    // The 16 Länder themselves and, since directory version 2, 49 of their houses (Staats- and
    // Senatskanzleien, Innen- and Digitalministerien, Land IT service providers).
    let lands = ok_json(&db, &["orgs", "list", "--level", "land"]);
    let lands = lands.as_array().unwrap();
    assert_eq!(lands.len(), 16 + 49);
    assert!(
        lands
            .iter()
            .any(|o| o["name"] == "Sächsische Staatskanzlei" && o["land"] == "Sachsen")
    );
    let own = ok_json(
        &db,
        &[
            "orgs",
            "add",
            "--name",
            "Gemeinde Musterhausen",
            "--level",
            "kommune",
            "--land",
            "BW",
            "--key",
            "08999999",
        ],
    );
    assert_eq!(own["land"], "Baden-Württemberg");
    assert_eq!(own["key"], "08999999");
    assert!(
        fails(
            &db,
            &[
                "orgs",
                "add",
                "--name",
                "Gemeinde Ohneland",
                "--level",
                "kommune"
            ]
        )
        .contains("Land")
    );
    assert!(fails(&db, &["orgs", "list", "--level", "galaxy"]).contains("not a level"));
}

#[test]
fn bad_input_gets_a_clear_error_and_keeps_data() {
    let (dir, db) = temp_db();
    add_contact(&db, "Bleibt Erhalten", &[]);
    // A 10 MB note does not fit one argv entry on Linux (128 KiB), so it comes from a file.
    let big = dir.path().join("big-note.txt");
    std::fs::write(&big, "Notiz ".repeat(10 * 1024 * 1024 / 6)).unwrap();
    let binary = dir.path().join("binary.bin");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80]).unwrap();
    for (name, more, says) in [
        ("   ", vec![], "needs a name"),
        ("X", vec!["--email", "kein-at-zeichen"], "kein-at-zeichen"),
        (
            "X",
            vec!["--note-file", big.to_str().unwrap()],
            "note is too long",
        ),
        (
            "X",
            vec!["--note-file", binary.to_str().unwrap()],
            "not UTF-8",
        ),
    ] {
        let args = [&["contacts", "add", "--name", name][..], &more].concat();
        let msg = fails(&db, &args);
        assert!(msg.contains(says), "{args:?}: {msg}");
    }
    let html = ok_json(&db, &["contacts", "add", "--name", "<b>Eve</b>"]);
    assert_eq!(html["name"], "<b>Eve</b>");
    let names: Vec<_> = ok_json(&db, &["contacts", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, vec!["<b>Eve</b>", "Bleibt Erhalten"]);
}

#[test]
fn broken_database_files_are_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.db");
    std::fs::write(&corrupt, vec![0x5Au8; 8192]).unwrap();
    let msg = fails(&corrupt, &["contacts", "list"]);
    // Encrypted files look like random bytes: a damaged file and one whose key is lost read
    // the same, and neither is replaced by an empty database.
    assert!(
        msg.contains("not in the keyring") && msg.contains("damaged"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&corrupt).unwrap(), vec![0x5Au8; 8192]);

    let missing = dir.path().join("nope/v.db");
    assert!(fails(&missing, &["contacts", "list"]).contains("does not exist"));
    assert!(
        !dir.path().join("nope").exists(),
        "no folder is created for an explicit --db"
    );

    // A plain database written by a newer Vernetzt (made here with python's sqlite3) is refused
    // before anything is encrypted or written.
    let newer = dir.path().join("newer.db");
    let made = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table t(a)'); c.execute('pragma user_version=42'); c.commit()")
        .arg(&newer)
        .status()
        .unwrap();
    assert!(made.success());
    let msg = fails(&newer, &["contacts", "list"]);
    assert!(msg.contains("newer version of Vernetzt"), "{msg}");
    let after = std::fs::read(&newer).unwrap();
    assert!(
        after.starts_with(b"SQLite format 3") && after[60..64] == 42u32.to_be_bytes(),
        "left plain, schema untouched"
    );
}

#[test]
fn the_database_is_encrypted_and_a_plain_one_is_migrated() {
    let (dir, db) = temp_db();
    add_contact(&db, "Jördis Quendelmann", &[("--note", "Xylophon-Projekt")]);
    let check = ok_json(&db, &["db", "check"]);
    assert_eq!(check["encrypted"], true, "{check}");
    assert_eq!(check["integrity"], "ok");
    let raw = std::fs::read(&db).unwrap();
    assert!(!raw.starts_with(b"SQLite format 3"));
    assert!(!raw.windows(11).any(|w| w == b"Quendelmann"));

    // Where there is no keyring: a passphrase from the environment; a wrong one is refused.
    let with_pass = |pass: &str, args: &[&str]| {
        support::command(&dir.path().join("p.db"))
            .arg("--json")
            .args(args)
            .env("VERNETZT_DB_PASSPHRASE", pass)
            .output()
            .unwrap()
    };
    assert!(
        with_pass("Ein langer Satz", &["contacts", "add", "--name", "Anna"])
            .status
            .success()
    );
    let out = with_pass("falsch", &["contacts", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("key does not open it"));
    let out = with_pass("Ein langer Satz", &["db", "check"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key_source"], "passphrase");

    // A plain database of an earlier version: encrypted in place, every record kept.
    let plain = dir.path().join("alt.db");
    support::plain_db(&plain, 30, "Alte Person", "alte Notiz");
    let r = ok_json(&plain, &["db", "encrypt"]);
    assert_eq!(r["migrated_now"], true, "{r}");
    assert_eq!(
        ok_json(&plain, &["contacts", "list"])
            .as_array()
            .unwrap()
            .len(),
        30
    );
    assert!(
        !std::fs::read(&plain)
            .unwrap()
            .starts_with(b"SQLite format 3")
    );
    assert!(!dir.path().join("alt.db.plain-backup").exists());
}

#[test]
fn many_processes_write_one_database_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    ok_json(&db, &["contacts", "list"]);
    let children: Vec<_> = (0..8)
        .map(|i| {
            support::command(&db)
                .args(["contacts", "add", "--name", &format!("Parallel Person{i}")])
                .output()
        })
        .collect();
    for c in children {
        let out = c.unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        ok_json(&db, &["contacts", "list"])
            .as_array()
            .unwrap()
            .len(),
        8
    );
}

/// Recently deleted contacts (issue 14): listed with when and why, restored (a merged-away one by
/// undoing the merge), erased for good one by one, and purged after the period: the default 30
/// days and one the user set, both when the CLI opens the database, and on request.
#[test]
fn deleted_contacts_are_listed_restored_erased_and_purged() {
    use vernetzt_core::Store;
    use vernetzt_core::clock::FixedClock;
    use vernetzt_core::model::ContactInput;
    use vernetzt_core::store::DbKey;

    const PASS: &str = "geloescht-e2e-passphrase";
    let (_dir, db) = temp_db();
    let now = chrono::Utc::now();
    // Written by the store itself with its clock set back: the CLI cannot move time.
    let mut s = Store::open_encrypted(&db, &DbKey::Passphrase(PASS.into())).unwrap();
    let clock = std::sync::Arc::new(FixedClock::at(now - chrono::Duration::days(40)));
    s.set_clock(clock.clone());
    let add = |s: &mut Store, name: &str, note: Option<&str>| {
        let input = ContactInput {
            display_name: Some(name.into()),
            ..Default::default()
        };
        s.create_contact(&input, note).unwrap().id
    };
    let olga = add(&mut s, "Olga Alt", Some("Xylophon-Projekt"));
    s.delete_contact(olga).unwrap();
    clock.set(now - chrono::Duration::days(10));
    let nina = add(&mut s, "Nina Neu", None);
    s.delete_contact(nina).unwrap();
    let bernd = add(&mut s, "Bernd Bauer", None);
    let twin = add(&mut s, "Bernd Bauer-Zwilling", Some("Notiz vom Zwilling"));
    s.merge_contacts(bernd, twin).unwrap();
    drop(s);

    let run = |args: &[&str]| {
        let out = support::command(&db)
            .env("VERNETZT_DB_PASSPHRASE", PASS)
            .arg("--json")
            .args(args)
            .output()
            .unwrap();
        support::parsed(out)
    };
    let ok = |args: &[&str]| {
        let (ok, v, err) = run(args);
        assert!(ok, "{args:?}: {err}");
        (v, err)
    };

    // Opening the database erased what was deleted more than 30 days ago.
    let (list, err) = ok(&["contacts", "deleted"]);
    assert!(err.contains("erased for good: 1 contact(s)"), "{err}");
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{list}");
    assert!(ids.contains(&nina) && ids.contains(&twin) && !ids.contains(&olga));
    let row = |id: i64| list.as_array().unwrap().iter().find(|d| d["id"] == id);
    let merged = row(twin).unwrap();
    assert_eq!(merged["reason"], "merged");
    assert_eq!(merged["merged_into"], bernd);
    assert_eq!(merged["merged_into_name"], "Bernd Bauer");
    let deleted = row(nina).unwrap();
    assert_eq!(deleted["reason"], "deleted");
    assert!(deleted["deleted_at"].as_str().unwrap().ends_with('Z'));
    let (gone, _, err) = run(&["contacts", "restore", &olga.to_string()]);
    assert!(!gone && err.contains("not found"), "{err}");

    // Restoring the merged-away contact undoes the merge: its note comes back to it.
    let (back, _) = ok(&["contacts", "restore", &twin.to_string()]);
    assert_eq!(back["notes"][0]["body"], "Notiz vom Zwilling");

    // The period: 30 by default, checked, and a shorter one erases Nina at the next open.
    assert_eq!(ok(&["contacts", "keep-deleted"]).0["keep_days"], 30);
    for bad in ["0", "3651"] {
        let (ok, _, err) = run(&["contacts", "keep-deleted", bad]);
        assert!(!ok && err.contains("days"), "{bad}: {err}");
    }
    assert_eq!(ok(&["contacts", "keep-deleted", "5"]).0["keep_days"], 5);
    let (list, err) = ok(&["contacts", "deleted"]);
    assert_eq!(list, serde_json::json!([]), "{err}");

    // On request: a contact deleted just now is younger than a day, then erased on its own.
    let lena = add(
        &mut Store::open_encrypted(&db, &DbKey::Passphrase(PASS.into())).unwrap(),
        "Lena",
        None,
    );
    let lena = lena.to_string();
    ok(&["contacts", "delete", &lena]);
    assert_eq!(
        ok(&["contacts", "purge", "--older-than", "1"]).0["erased"],
        serde_json::json!([])
    );
    assert!(!run(&["contacts", "purge", "--older-than", "0"]).0);
    let (live, _, err) = run(&["contacts", "erase", &bernd.to_string()]);
    assert!(
        !live && err.contains("not found"),
        "a live contact is not erased here: {err}"
    );
    assert_eq!(
        ok(&["contacts", "erase", &lena]).0["erased"],
        lena.parse::<i64>().unwrap()
    );
    assert_eq!(ok(&["contacts", "deleted"]).0, serde_json::json!([]));
    assert_eq!(ok(&["contacts", "list"]).0.as_array().unwrap().len(), 2);
}
