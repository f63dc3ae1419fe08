use super::*;
use crate::model::{ContactInput, Labeled, Level, OrganizationInput, Photo, PhotoChange};

mod deleted;
mod feed_caps;
mod feed_removal;
mod full_disk;
mod invitations;
mod limits;
mod roles;

fn person(given: &str, family: &str) -> ContactInput {
    ContactInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        ..Default::default()
    }
}

fn email(v: &str) -> Labeled {
    Labeled {
        value: v.into(),
        label: None,
    }
}

/// What `search` finds for `query`, each hit through `pick` (its id, its name).
fn found<T>(s: &Store, query: &str, limit: i64, pick: impl Fn(SearchHit) -> T) -> Vec<T> {
    s.search(query, limit)
        .unwrap()
        .into_iter()
        .map(pick)
        .collect()
}

/// Two connections to one new database file, as the app and the CLI hold them.
fn two_connections(name: &str) -> (tempfile::TempDir, Store, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let a = Store::open(&path).unwrap();
    let b = Store::open(&path).unwrap();
    (dir, a, b)
}

/// An empty store with one feed (no login) subscribed.
fn store_with_feed(url: &str, name: &str) -> (Store, crate::model::Feed) {
    let mut s = Store::open_in_memory().unwrap();
    let feed = s
        .add_feed(url, name, &crate::model::FeedAuth::None)
        .unwrap();
    (s, feed)
}

/// Every write takes its time from the store's clock (`Store::set_clock`), not from the system
/// clock: contacts, notes, follow-ups and the change journal all carry the fixed time.
#[test]
fn writes_take_their_time_from_the_stores_clock() {
    use chrono::TimeZone;
    let mut s = Store::open_in_memory().unwrap();
    let at = chrono::Utc.with_ymd_and_hms(2031, 5, 6, 7, 8, 9).unwrap();
    s.set_clock(crate::clock::FixedClock::at(at));
    let stamp = "2031-05-06T07:08:09.000Z";
    assert_eq!(s.now_text(), stamp);
    let c = s
        .create_contact(&person("Uhr", "Zeit"), Some("Notiz"))
        .unwrap();
    assert_eq!(
        (c.created_at.as_str(), c.updated_at.as_str()),
        (stamp, stamp)
    );
    assert_eq!(c.notes[0].created_at, stamp);
    let due = chrono::NaiveDate::from_ymd_opt(2031, 6, 1).unwrap();
    s.add_follow_up(c.id, due, "anrufen").unwrap();
    s.delete_contact(c.id).unwrap();
    let journal = s.pending_changes().unwrap();
    assert!(journal.len() >= 4, "{journal:?}");
    assert!(journal.iter().all(|j| j.changed_at == stamp), "{journal:?}");
    let later = chrono::Utc.with_ymd_and_hms(2032, 1, 1, 0, 0, 0).unwrap();
    s.set_clock(crate::clock::FixedClock::at(later));
    let back = s.restore_contact(c.id).unwrap();
    assert_eq!(back.updated_at, "2032-01-01T00:00:00.000Z");
    assert_eq!(back.created_at, stamp);
}

#[test]
fn create_read_update_delete_restore() {
    let mut s = Store::open_in_memory().unwrap();
    let mut input = person("Jördis", "Müller");
    input.title = Some("Dr.".into());
    input.emails = vec![
        email("j.mueller@kreis-rv.de"),
        Labeled {
            value: "jm@example.org".into(),
            label: Some("privat".into()),
        },
    ];
    input.tags = vec!["EfA".into(), "efa".into(), " Roll-in ".into()];
    input.themenfelder = vec!["familie-kind".into()];
    let c = s
        .create_contact(&input, Some("Kennengelernt in Erfurt"))
        .unwrap();
    assert_eq!(c.name, "Dr. Jördis Müller");
    assert_eq!(c.emails, vec!["j.mueller@kreis-rv.de", "jm@example.org"]);
    assert_eq!(
        c.labels.get("jm@example.org").map(String::as_str),
        Some("privat")
    );
    assert_eq!(
        c.tags,
        vec!["EfA", "Roll-in"],
        "tags deduplicated by folded form, trimmed"
    );
    assert_eq!(c.notes.len(), 1);

    let mut edit = ContactInput::from_contact(&c);
    edit.role = Some("OZG-Koordinatorin".into());
    let c2 = s.update_contact(c.id, &edit).unwrap();
    assert_eq!(c2.role.as_deref(), Some("OZG-Koordinatorin"));
    assert_eq!(c2.emails, c.emails);

    s.delete_contact(c.id).unwrap();
    assert!(matches!(s.contact(c.id), Err(Error::NotFound { .. })));
    assert!(s.search("mueller", 10).unwrap().is_empty());
    assert_eq!(s.list_contacts(0, 10).unwrap().total, 0);
    let back = s.restore_contact(c.id).unwrap();
    assert_eq!(back.notes.len(), 1);
    assert_eq!(s.search("mueller", 10).unwrap().len(), 1);

    let ops: Vec<_> = s
        .pending_changes()
        .unwrap()
        .into_iter()
        .filter(|j| j.entity == "contact")
        .map(|j| j.op)
        .collect();
    assert_eq!(ops, vec!["upsert", "upsert", "delete", "upsert"]);
}

#[test]
fn search_folds_german_spellings_and_ranks_names_first() {
    let mut s = Store::open_in_memory().unwrap();
    let weiss = s.create_contact(&person("Anna", "Weiß"), None).unwrap();
    let other = s
        .create_contact(
            &person("Bernd", "Schulz"),
            Some("Hat Frau Weiss vorgestellt"),
        )
        .unwrap();
    s.create_contact(&person("Jördis", "Köhler"), None).unwrap();
    let hits = found(&s, "weiss", 10, |h| h.id);
    assert_eq!(hits, vec![weiss.id, other.id]);
    assert_eq!(s.search("Joerdis", 10).unwrap().len(), 1);
    assert_eq!(s.search("jor", 10).unwrap().len(), 1, "prefix while typing");
    assert_eq!(
        s.search("KOEHLER jö", 10).unwrap().len(),
        1,
        "all tokens, any order and case"
    );
    assert!(s.search("köhler schulz", 10).unwrap().is_empty());
    assert!(
        s.search("\"); DROP TABLE contacts; --", 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn search_covers_org_role_email_tags_notes() {
    let mut s = Store::open_in_memory().unwrap();
    let fitko = s.find_orgs("FITKO").unwrap()[0].id;
    let mut input = person("Eva", "Berger");
    input.organization_id = Some(fitko);
    input.role = Some("Produktmanagerin".into());
    input.emails = vec![email("eva.berger@fitko.de")];
    input.tags = vec!["Registermodernisierung".into()];
    let c = s
        .create_contact(&input, Some("Gespräch über Changemanagement"))
        .unwrap();
    for q in [
        "fitko",
        "föderale",
        "produktman",
        "eva.berger",
        "registermod",
        "changemanag",
    ] {
        let hits = s.search(q, 10).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.id).collect::<Vec<_>>(),
            vec![c.id],
            "query {q}"
        );
    }
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let mut s = Store::open_in_memory().unwrap();
    let err = s
        .create_contact(&ContactInput::default(), None)
        .unwrap_err();
    assert_eq!(
        err.validation_detail(),
        Some(("name_required", "display_name"))
    );

    let mut bad_mail = person("A", "B");
    bad_mail.emails = vec![email("not-an-address")];
    let err = s.create_contact(&bad_mail, None).unwrap_err();
    assert_eq!(err.validation_detail(), Some(("email_invalid", "emails")));
    assert!(err.to_string().contains("not-an-address"));

    let big = "x".repeat(10 * 1024 * 1024);
    let err = s.create_contact(&person("A", "B"), Some(&big)).unwrap_err();
    assert_eq!(err.validation_detail(), Some(("note_too_long", "note")));
    assert_eq!(
        s.list_contacts(0, 10).unwrap().total,
        0,
        "a refused create stores nothing"
    );

    let mut photo = person("A", "B");
    photo.photo = PhotoChange::Set(Photo {
        mime: "image/png".into(),
        base64: "PHNjcmlwdD4=".into(),
    });
    assert_eq!(
        s.create_contact(&photo, None)
            .unwrap_err()
            .validation_detail(),
        Some(("photo_invalid", "photo"))
    );
}

#[test]
fn markup_is_stored_literally() {
    let mut s = Store::open_in_memory().unwrap();
    let mut input = ContactInput {
        display_name: Some("<b>Eve</b>".into()),
        ..Default::default()
    };
    input.role = Some("line\r\nbreak".into());
    let c = s
        .create_contact(&input, Some("<img src=x onerror=alert(1)>"))
        .unwrap();
    assert_eq!(c.name, "<b>Eve</b>");
    assert_eq!(
        c.role.as_deref(),
        Some("line  break"),
        "control characters become spaces"
    );
    assert_eq!(c.notes[0].body, "<img src=x onerror=alert(1)>");
    assert_eq!(s.search("eve", 5).unwrap()[0].name, "<b>Eve</b>");
}

#[test]
fn photo_type_is_read_from_the_bytes() {
    let mut s = Store::open_in_memory().unwrap();
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let mut input = person("P", "Q");
    input.photo = PhotoChange::Set(Photo {
        mime: "image/jpeg".into(),
        base64: png.into(),
    });
    let c = s.create_contact(&input, None).unwrap();
    assert_eq!(c.photo.as_ref().unwrap().mime, "image/png");
    let mut edit = ContactInput::from_contact(&c);
    edit.photo = PhotoChange::Keep;
    assert!(s.update_contact(c.id, &edit).unwrap().photo.is_some());
    edit.photo = PhotoChange::Remove;
    assert!(s.update_contact(c.id, &edit).unwrap().photo.is_none());
}

#[test]
fn notes_are_timestamped_and_editable() {
    let mut s = Store::open_in_memory().unwrap();
    let c = s.create_contact(&person("N", "O"), None).unwrap();
    let n = s.add_note(c.id, "erste Notiz").unwrap();
    let n2 = s.update_note(n.id, "geänderte Notiz").unwrap();
    assert_eq!(n2.created_at, n.created_at);
    assert!(n2.updated_at >= n.updated_at);
    assert_eq!(s.search("geanderte", 5).unwrap().len(), 1);
    s.delete_note(n.id).unwrap();
    assert!(s.contact(c.id).unwrap().notes.is_empty());
    assert!(s.search("geanderte", 5).unwrap().is_empty());
}

#[test]
fn directory_is_loaded_with_levels_and_lands() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.lands().unwrap().len(), 16);
    assert_eq!(s.themenfelder().unwrap().len(), 14);
    let bayern_kommunen = s.list_orgs(Some(Level::Kommune), Some("Bayern")).unwrap();
    assert_eq!(bayern_kommunen.len(), 96);
    assert!(
        bayern_kommunen
            .iter()
            .all(|o| o.land.as_deref() == Some("Bayern") && o.key.is_some())
    );
    assert!(
        s.list_orgs(Some(Level::Bund), None)
            .unwrap()
            .iter()
            .any(|o| o.short_name.as_deref() == Some("BMI"))
    );
    let fitko = &s.find_orgs("fitko").unwrap()[0];
    assert_eq!(fitko.level, Level::Other);

    let err = s
        .create_org(&OrganizationInput {
            name: "Gemeinde X".into(),
            level: Some(Level::Kommune),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.validation_detail(), Some(("land_required", "land_key")));
    let own = s
        .create_org(&OrganizationInput {
            name: "Referat DV 1".into(),
            level: Some(Level::Bund),
            parent_id: s.find_orgs("BMI").unwrap().first().map(|o| o.id),
            ..Default::default()
        })
        .unwrap();
    assert!(!own.builtin);
    assert_eq!(
        s.find_orgs("Muenchen, Landeshauptstadt").unwrap().len(),
        1,
        "folded match"
    );
}

#[test]
fn land_chancelleries_and_it_providers_are_known_with_level_and_land() {
    let s = Store::open_in_memory().unwrap();
    for spelling in [
        "Sächsische Staatskanzlei",
        "saechsische staatskanzlei",
        "Saechsische Staatskanzlei",
    ] {
        let found = s.find_orgs(spelling).unwrap();
        assert_eq!(found.len(), 1, "{spelling}");
        assert_eq!(found[0].level, Level::Land, "{spelling}");
        assert_eq!(found[0].land.as_deref(), Some("Sachsen"), "{spelling}");
        assert!(found[0].builtin);
    }
    let itnrw = &s.find_orgs("IT.NRW").unwrap()[0];
    assert_eq!(itnrw.level, Level::Land);
    assert_eq!(itnrw.land.as_deref(), Some("Nordrhein-Westfalen"));
    let digital = &s
        .find_orgs("Bayerisches Staatsministerium fuer Digitales")
        .unwrap()[0];
    assert_eq!(digital.land_key.as_deref(), Some("09"));
}

#[test]
fn migrations_are_valid() {
    migrations().validate().unwrap();
}

#[test]
fn directory_update_keeps_user_entries_and_references() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut s = Store::open(&path).unwrap();
    let own = s
        .create_org(&OrganizationInput {
            name: "Eigene Org".into(),
            ..Default::default()
        })
        .unwrap();
    let kreis = s.find_orgs("Landkreis Göttingen").unwrap()[0].id;
    let mut p = person("K", "L");
    p.organization_id = Some(kreis);
    let c = s.create_contact(&p, None).unwrap();
    // Simulate an older shipped directory: a renamed entry and one that has since been retired.
    s.conn
        .execute(
            "UPDATE organizations SET name = 'Alt' WHERE id = ?1",
            [kreis],
        )
        .unwrap();
    s.conn
        .execute(
            "UPDATE settings SET value = '0' WHERE key = 'directory_version'",
            [],
        )
        .unwrap();
    s.conn
        .execute(
            "INSERT INTO organizations(uid, name, level, builtin_key, created_at, updated_at)
         VALUES ('x', 'Retired', 'other', 'other:retired', '', '')",
            [],
        )
        .unwrap();
    drop(s);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.org(kreis).unwrap().name, "Landkreis Göttingen");
    assert_eq!(s.org(own.id).unwrap().name, "Eigene Org");
    assert!(
        s.find_orgs("Retired").unwrap().is_empty(),
        "retired entries leave the directory"
    );
    assert_eq!(
        s.contact(c.id).unwrap().organization.as_deref(),
        Some("Landkreis Göttingen")
    );
}

#[test]
fn open_refuses_newer_corrupt_and_missing() {
    let dir = tempfile::tempdir().unwrap();
    // A database from a newer version: refused, and left byte-for-byte as it was.
    let newer = dir.path().join("newer.db");
    {
        let mut s = Store::open(&newer).unwrap();
        s.create_contact(&person("Z", "Y"), None).unwrap();
        s.conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let before = std::fs::read(&newer).unwrap();
    let err = Store::open(&newer).err().unwrap();
    assert_eq!(err.kind(), "too_new");
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(std::fs::read(&newer).unwrap(), before);

    // Garbage where a database should be.
    let corrupt = dir.path().join("corrupt.db");
    let garbage = b"this is not a database, just some text".repeat(200);
    std::fs::write(&corrupt, &garbage).unwrap();
    let err = Store::open(&corrupt).err().unwrap();
    assert_eq!(err.kind(), "corrupt", "{err}");
    assert_eq!(std::fs::read(&corrupt).unwrap(), garbage, "left untouched");

    // A valid header followed by damage: refused on first read, not overwritten.
    let damaged = dir.path().join("damaged.db");
    let mut bytes = SQLITE_HEADER.to_vec();
    bytes.extend(std::iter::repeat_n(0xAB, 4096));
    std::fs::write(&damaged, &bytes).unwrap();
    let err = Store::open(&damaged).err().unwrap();
    assert!(matches!(err.kind(), "corrupt" | "database"), "{err}");
    assert_eq!(std::fs::read(&damaged).unwrap(), bytes);

    let missing = dir.path().join("no/such/folder/v.db");
    let err = Store::open(&missing).err().unwrap();
    assert_eq!(err.kind(), "open");
    assert!(err.to_string().contains("does not exist"), "{err}");

    let folder = Store::open(dir.path()).err().unwrap();
    assert_eq!(folder.kind(), "open");
}

/// Unix only: it relies on /proc and Unix permission bits (Windows has neither).
#[cfg(unix)]
#[test]
fn read_only_places_are_refused() {
    // /proc refuses file creation even to root, so this holds in CI, which runs as root.
    let err = Store::open(Path::new("/proc/vernetzt-test.db"))
        .err()
        .unwrap();
    assert_eq!(err.kind(), "open", "{err}");
    // A read-only file: only meaningful when not root (root ignores permission bits).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.db");
    Store::open(&path)
        .unwrap()
        .create_contact(&person("R", "O"), None)
        .unwrap();
    let is_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if !is_root {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = Store::open(&path).err().unwrap();
        assert_eq!(err.kind(), "open", "{err}");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn two_connections_share_one_file() {
    let (_dir, mut a, mut b) = two_connections("shared.db");
    let ca = a.create_contact(&person("App", "Nutzer"), None).unwrap();
    b.create_contact(&person("Cli", "Nutzer"), None).unwrap();
    assert_eq!(a.list_contacts(0, 10).unwrap().total, 2);
    b.delete_contact(ca.id).unwrap();
    assert!(a.search("app", 5).unwrap().is_empty());
    a.integrity_check().unwrap();
}

#[test]
fn bulk_create_is_all_or_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let mut bad = person("B", "C");
    bad.emails = vec![email("@@")];
    let err = s
        .create_contacts(&[(person("A", "B"), None), (bad, None)])
        .unwrap_err();
    assert!(err.to_string().starts_with("record 2:"), "{err}");
    assert_eq!(s.list_contacts(0, 10).unwrap().total, 0);
}

#[test]
fn demo_data_is_deterministic_and_valid() {
    let mut a = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut a, 300, 7).unwrap();
    let mut b = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut b, 300, 7).unwrap();
    let names = |s: &Store| {
        s.list_contacts(0, 300)
            .unwrap()
            .items
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&a), names(&b));
    assert_eq!(a.list_contacts(0, 1).unwrap().total, 300);
}

/// The tiered search, dense (walk) and sparse (collect) paths alike, against a brute-force
/// reference over all contacts.
#[test]
fn search_matches_a_brute_force_reference() {
    use crate::fold::{fold, index_text};
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::populate(&mut s, 3_000, 11).unwrap();
    let ids = s.contact_ids().unwrap();
    let rows: Vec<(i64, String, [String; 3])> = ids
        .iter()
        .map(|&id| {
            let c = s.contact(id).unwrap();
            let sort_key: String = s
                .conn
                .query_row("SELECT sort_key FROM contacts WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap();
            let name = index_text(
                &[
                    Some(c.name.clone()),
                    c.given_name.clone(),
                    c.family_name.clone(),
                    c.title.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" "),
            );
            let org = s.org(c.organization_id.unwrap()).unwrap();
            let tf: Vec<String> = s
                .themenfelder()
                .unwrap()
                .into_iter()
                .filter(|t| c.themenfelder.contains(&t.key))
                .map(|t| format!("{} {}", t.name_de, t.key))
                .collect();
            let rest = index_text(&format!(
                "{} {} {} {} {} {} {}",
                name,
                org.name,
                org.short_name.unwrap_or_default(),
                c.role.clone().unwrap_or_default(),
                c.emails.join(" "),
                c.tags.join(" "),
                tf.join(" ")
            ));
            let all = format!(
                "{rest} {}",
                index_text(
                    &c.notes
                        .iter()
                        .map(|n| n.body.clone())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            );
            (id, sort_key, [name, rest, all])
        })
        .collect();
    for q in [
        "m",
        "mu",
        "Mueller",
        "jö",
        "bundesmin",
        "fitko",
        "koordinatorin",
        "efa",
        "nachfassen",
        "weiss jo",
        "zzz",
    ] {
        let toks: Vec<String> = crate::fold::tokens(&fold(q)).map(String::from).collect();
        let matches = |text: &str| {
            toks.iter()
                .all(|t| text.split(' ').any(|w| w.starts_with(t.as_str())))
        };
        let mut expected: Vec<(usize, &String, i64)> = rows
            .iter()
            .filter_map(|(id, key, texts)| {
                texts
                    .iter()
                    .position(|t| matches(t))
                    .map(|tier| (tier, key, *id))
            })
            .collect();
        expected.sort();
        let want: Vec<i64> = expected.iter().take(50).map(|e| e.2).collect();
        let got = found(&s, q, 50, |h| h.id);
        assert_eq!(got, want, "query {q}");
    }
}

/// The index stays exact across this connection's own writes (overlay) and another process's
/// writes (rebuild on data_version).
#[test]
fn search_index_follows_own_and_foreign_writes() {
    let (_dir, mut a, mut b) = two_connections("s.db");
    crate::demo::populate(&mut a, 500, 3).unwrap();
    assert!(a.search("zzzneu", 10).unwrap().is_empty()); // index built now
    let c = a
        .create_contact(&person("Zzzneu", "Aaaerste"), None)
        .unwrap();
    let hits = a.search("aaaer", 50).unwrap();
    assert_eq!(hits.first().map(|h| h.id), Some(c.id), "own insert found");
    let mut edit = ContactInput::from_contact(&c);
    edit.family_name = Some("Umbenannt".into());
    edit.display_name = None;
    a.update_contact(c.id, &edit).unwrap();
    assert!(
        a.search("aaaer", 50).unwrap().iter().all(|h| h.id != c.id),
        "old name gone"
    );
    assert_eq!(a.search("umbenan", 50).unwrap()[0].id, c.id);
    a.delete_contact(c.id).unwrap();
    assert!(a.search("umbenan", 50).unwrap().is_empty(), "own delete");
    let other = b.create_contact(&person("Fremd", "Prozess"), None).unwrap();
    assert_eq!(
        a.search("fremd proz", 5).unwrap()[0].id,
        other.id,
        "foreign insert found"
    );
    b.delete_contact(other.id).unwrap();
    assert!(a.search("fremd", 5).unwrap().is_empty(), "foreign delete");
    // Ordering with overlay entries mixed into the main index.
    let names = ["Mmm Aaa", "Mmm Zzz", "Mmm Ooo"];
    for n in names {
        let (_, g, f) = crate::model::split_name(n);
        a.create_contact(
            &ContactInput {
                given_name: g,
                family_name: f,
                ..Default::default()
            },
            None,
        )
        .unwrap();
    }
    let got = found(&a, "mmm", 50, |h| h.name);
    assert_eq!(got, vec!["Mmm Aaa", "Mmm Ooo", "Mmm Zzz"]);
}

mod feeds {
    use super::*;
    use crate::ical::event::read_feed;
    use crate::model::FeedAuth;
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().into()
    }

    /// The feed's occurrences in December 2026.
    fn december(s: &Store, feed: i64) -> Vec<crate::model::Occurrence> {
        let (from, to) = (utc("2026-12-01T00:00:00Z"), utc("2026-12-31T00:00:00Z"));
        s.occurrences(from, to, Some(feed), Tz::Europe__Berlin)
            .unwrap()
    }

    fn apply(s: &mut Store, feed: i64, ics: &str) -> crate::model::FeedCounts {
        let read = read_feed(
            ics.as_bytes(),
            Tz::Europe__Berlin,
            utc("2026-11-22T08:00:00Z"),
        )
        .unwrap();
        s.apply_feed(feed, &read, Some("\"v1\""), None).unwrap()
    }

    const V1: &str = "BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
UID:erfa-2026\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261203T093000\r
DTEND;TZID=Europe/Berlin:20261203T170000\r
SUMMARY:OZG-Erfahrungsaustausch\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:jour-fixe\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261102T100000\r
DURATION:PT1H\r
RRULE:FREQ=WEEKLY;COUNT=6\r
EXDATE;TZID=Europe/Berlin:20261109T100000\r
SUMMARY:Jour fixe Taskforce\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:jour-fixe\r
RECURRENCE-ID;TZID=Europe/Berlin:20261116T100000\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Berlin:20261117T140000\r
DURATION:PT1H\r
SUMMARY:Jour fixe (verschoben)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:lab\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261210\r
SUMMARY:Digitalisierungslabor\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
";

    #[test]
    fn sync_counts_and_occurrences() {
        let (mut s, feed) = store_with_feed("https://fitko.example/ozg.ics", "FITKO");
        let c = apply(&mut s, feed.id, V1);
        assert_eq!(
            (c.added, c.cancelled, c.updated, c.removed, c.unchanged),
            (3, 1, 0, 0, 0)
        );
        let again = apply(&mut s, feed.id, V1);
        assert_eq!((again.added, again.unchanged), (0, 4));
        assert_eq!(s.feed(feed.id).unwrap().etag.as_deref(), Some("\"v1\""));

        let occ = s
            .occurrences(
                utc("2026-11-01T00:00:00Z"),
                utc("2027-01-01T00:00:00Z"),
                None,
                Tz::Europe__Berlin,
            )
            .unwrap();
        let list: Vec<(String, String, String)> = occ
            .iter()
            .map(|o| (o.title.clone(), o.start.clone(), o.status.clone()))
            .collect();
        assert_eq!(
            list,
            vec![
                (
                    "Jour fixe Taskforce".into(),
                    "2026-11-02T09:00:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "Jour fixe (verschoben)".into(),
                    "2026-11-17T13:00:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "Jour fixe Taskforce".into(),
                    "2026-11-23T09:00:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "Jour fixe Taskforce".into(),
                    "2026-11-30T09:00:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "OZG-Erfahrungsaustausch".into(),
                    "2026-12-03T08:30:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "Jour fixe Taskforce".into(),
                    "2026-12-07T09:00:00Z".into(),
                    "confirmed".into()
                ),
                (
                    "Digitalisierungslabor".into(),
                    "2026-12-10".into(),
                    "cancelled".into()
                ),
            ]
        );
        let lab = occ.iter().find(|o| o.uid == "lab").unwrap();
        assert_eq!((lab.end.as_str(), lab.all_day), ("2026-12-11", true));
    }

    #[test]
    fn updates_stale_versions_removals_and_incomplete_feeds() {
        let (mut s, feed) = store_with_feed("https://x.example/f.ics", "X");
        apply(&mut s, feed.id, V1);
        // A newer version of one event, the cancelled lab gone, the series unchanged.
        let v2 = V1
            .replace("SUMMARY:OZG-Erfahrungsaustausch\r\n", "SUMMARY:OZG-Erfahrungsaustausch Winter\r\nSEQUENCE:1\r\n")
            .replace("BEGIN:VEVENT\r\nUID:lab\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261210\r\nSUMMARY:Digitalisierungslabor\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n", "");
        let c = apply(&mut s, feed.id, &v2);
        assert_eq!((c.updated, c.removed, c.unchanged), (1, 1, 2));
        // An older version (lower SEQUENCE) does not overwrite the newer one.
        let c = apply(&mut s, feed.id, V1);
        assert_eq!(c.updated, 0);
        let all = december(&s, feed.id);
        assert!(
            all.iter()
                .any(|o| o.title == "OZG-Erfahrungsaustausch Winter")
        );
        assert_eq!(
            all.iter().find(|o| o.uid == "lab").unwrap().status,
            "cancelled",
            "back in the feed: no longer removed"
        );
        // A truncated feed removes nothing.
        let truncated = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:other\r\nDTSTART:20261201T100000Z\r\nEND:VEVENT\r\n";
        let c = apply(&mut s, feed.id, truncated);
        assert_eq!((c.added, c.removed), (1, 0));
        // An event that could not be read this time is not removed either.
        let broken = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:erfa-2026\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let c = apply(&mut s, feed.id, broken);
        let erfa = december(&s, feed.id);
        assert_eq!(
            erfa.iter().find(|o| o.uid == "erfa-2026").unwrap().status,
            "confirmed"
        );
        assert!(c.removed >= 1, "the others are removed: {c:?}");
        assert!(c.warnings.iter().any(|w| w.contains("no DTSTART")));
    }

    #[test]
    fn failures_keep_events_and_are_recorded() {
        let mut s = Store::open_in_memory().unwrap();
        let feed = s
            .add_feed(
                "https://x.example/f.ics",
                "X",
                &FeedAuth::Basic { user: "u".into() },
            )
            .unwrap();
        apply(&mut s, feed.id, V1);
        s.record_feed_failure(feed.id, "the server answered 503")
            .unwrap();
        let f = s.feed(feed.id).unwrap();
        assert_eq!(
            (f.failures, f.last_error.as_deref(), f.events),
            (1, Some("the server answered 503"), 4)
        );
        assert_eq!(f.auth, FeedAuth::Basic { user: "u".into() });
        assert!(
            s.add_feed("https://x.example/f.ics", "again", &FeedAuth::None)
                .is_err()
        );
        let c = s.record_feed_not_modified(feed.id).unwrap();
        assert!(c.not_modified);
        assert_eq!(s.feed(feed.id).unwrap().failures, 0);
    }
}

mod networking {
    use super::*;
    use crate::ical::event::read_feed;
    use crate::model::{AttendanceStatus, ImportedContact, OrgRef, TimelineItem};
    use chrono::{DateTime, NaiveDate, Utc};
    use chrono_tz::Tz;

    fn store_with_event() -> (Store, crate::model::EventRef) {
        let (mut s, f) = store_with_feed("https://x.example/f.ics", "X");
        let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:erfa\nDTSTART:20261203T083000Z\nSUMMARY:OZG-Erfahrungsaustausch\nEND:VEVENT\nBEGIN:VEVENT\nUID:jf\nDTSTART:20261102T090000Z\nRRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Jour fixe\nEND:VEVENT\nEND:VCALENDAR\n";
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
            .unwrap()
            .into();
        let read = read_feed(ics.as_bytes(), Tz::Europe__Berlin, now).unwrap();
        s.apply_feed(f.id, &read, None, None).unwrap();
        let ev = s.event_ref("erfa", None).unwrap();
        (s, ev)
    }

    #[test]
    fn attendance_encounters_follow_ups_and_timeline() {
        let (mut s, ev) = store_with_event();
        let a = s
            .create_contact(&person("Anna", "Weiß"), Some("erste Notiz"))
            .unwrap();
        s.mark_attendance(&ev, None, AttendanceStatus::Registered)
            .unwrap();
        s.mark_attendance(&ev, Some(a.id), AttendanceStatus::Registered)
            .unwrap();
        s.mark_attendance(&ev, Some(a.id), AttendanceStatus::Attended)
            .unwrap();
        let (mine, rows) = s.attendance(&ev).unwrap();
        assert_eq!(mine.as_deref(), Some("registered"));
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].contact_id, rows[0].status.as_str()),
            (a.id, "attended")
        );
        assert!(
            s.event_ref("jf", None).is_err(),
            "a recurring event needs its occurrence"
        );
        let occ = s.event_ref("jf", Some("2026-11-09T09:00:00Z")).unwrap();
        s.mark_attendance(&occ, Some(a.id), AttendanceStatus::Attended)
            .unwrap();
        s.add_encounter(
            a.id,
            Some(&ev),
            Some("Workshop Roll-in"),
            Some("will Unterlagen"),
        )
        .unwrap();
        s.add_follow_up(
            a.id,
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            "Unterlagen schicken",
        )
        .unwrap();
        let due = s
            .follow_ups(false, NaiveDate::from_ymd_opt(2026, 12, 31))
            .unwrap();
        assert_eq!(due.len(), 1);
        let tl = s.timeline(a.id).unwrap();
        let kinds: Vec<&str> = tl
            .iter()
            .map(|i| match i {
                TimelineItem::Event { .. } => "event",
                TimelineItem::Encounter { .. } => "encounter",
                TimelineItem::Note { .. } => "note",
                TimelineItem::FollowUp { .. } => "follow_up",
            })
            .collect();
        assert_eq!(kinds.iter().filter(|k| **k == "event").count(), 2);
        assert!(
            kinds.contains(&"encounter") && kinds.contains(&"note") && kinds.contains(&"follow_up")
        );
        s.complete_follow_up(due[0].id).unwrap();
        assert!(s.follow_ups(false, None).unwrap().is_empty());
        let journal: Vec<String> = s
            .pending_changes()
            .unwrap()
            .into_iter()
            .map(|j| j.entity)
            .collect();
        for e in ["attendance", "encounter", "follow_up"] {
            assert!(journal.iter().any(|j| j == e), "{e} journaled");
        }
    }

    #[test]
    fn quick_capture_records_attendance_and_encounter() {
        let (mut s, ev) = store_with_event();
        let q = crate::store::QuickCapture {
            name: "Dr. Ariane Berger".into(),
            organization: Some("Deutscher Landkreistag".into()),
            email: Some("a.berger@landkreistag.example".into()),
            note: Some("Portal ozg-kommunal".into()),
        };
        let c = s.quick_capture(&q, Some(&ev)).unwrap();
        assert_eq!(
            (c.title.as_deref(), c.family_name.as_deref()),
            (Some("Dr."), Some("Berger"))
        );
        assert_eq!(c.organization.as_deref(), Some("Deutscher Landkreistag"));
        assert_eq!(s.attendance(&ev).unwrap().1.len(), 1);
        assert!(s.timeline(c.id).unwrap().iter().any(|i| matches!(i, TimelineItem::Encounter { encounter, .. } if encounter.note.as_deref() == Some("Portal ozg-kommunal"))));
    }

    #[test]
    fn duplicates_by_email_name_and_phone() {
        let mut s = Store::open_in_memory().unwrap();
        let mut a = person("Jördis", "Müller");
        a.emails = vec![email("J.Mueller@fitko.example")];
        let a = s.create_contact(&a, None).unwrap();
        let b = s
            .create_contact(&person("Joerdis", "Mueller"), None)
            .unwrap();
        let mut c = person("Klaus", "Schmidt");
        c.emails = vec![email("j.mueller@FITKO.example")];
        let c = s.create_contact(&c, None).unwrap();
        let mut d = person("Eva", "Berger");
        d.phones = vec![Labeled {
            value: "0751 85-0".into(),
            label: None,
        }];
        let d = s.create_contact(&d, None).unwrap();
        let mut e = person("E.", "Berger-Fremd");
        e.phones = vec![Labeled {
            value: "+49 751 850".into(),
            label: None,
        }];
        let e = s.create_contact(&e, None).unwrap();
        s.create_contact(&person("Nur", "Einmal"), None).unwrap();
        let groups = s.duplicate_groups().unwrap();
        assert_eq!(groups, vec![vec![a.id, b.id, c.id], vec![d.id, e.id]]);
        assert_eq!(
            crate::store::phone_e164("0049 (30) 1234-5"),
            Some("+4930123 45".replace(' ', ""))
        );
    }

    #[test]
    fn merge_keeps_everything_and_can_be_undone() {
        let (mut s, ev) = store_with_event();
        let mut ai = person("Jördis", "Müller");
        ai.emails = vec![email("jm@fitko.example")];
        ai.tags = vec!["EfA".into()];
        let a = s.create_contact(&ai, Some("Notiz A")).unwrap();
        let mut bi = person("Joerdis", "Mueller");
        bi.emails = vec![email("joerdis@land.example")];
        bi.phones = vec![Labeled {
            value: "+49 30 1234".into(),
            label: Some("mobil".into()),
        }];
        bi.role = Some("OZG-Koordinatorin".into());
        bi.tags = vec!["Roll-in".into()];
        let b = s.create_contact(&bi, Some("Notiz B")).unwrap();
        s.mark_attendance(&ev, Some(a.id), AttendanceStatus::Registered)
            .unwrap();
        s.mark_attendance(&ev, Some(b.id), AttendanceStatus::Attended)
            .unwrap();
        s.add_encounter(b.id, Some(&ev), None, Some("Kaffeepause"))
            .unwrap();
        let merge = s.merge_contacts(a.id, b.id).unwrap();
        let m = s.contact(a.id).unwrap();
        assert_eq!(m.emails, vec!["jm@fitko.example", "joerdis@land.example"]);
        assert_eq!(m.phones, vec!["+49 30 1234"]);
        assert_eq!(
            m.labels.get("+49 30 1234").map(String::as_str),
            Some("mobil")
        );
        assert_eq!(
            m.role.as_deref(),
            Some("OZG-Koordinatorin"),
            "empty fields filled"
        );
        assert_eq!(m.tags, vec!["EfA", "Roll-in"]);
        assert_eq!(m.notes.len(), 2);
        assert!(s.contact(b.id).is_err());
        assert_eq!(s.attendance(&ev).unwrap().1.len(), 1);
        assert!(s.duplicate_groups().unwrap().is_empty());
        assert_eq!(s.search("joerdis", 10).unwrap().len(), 1);

        s.undo_merge(merge).unwrap();
        let a2 = s.contact(a.id).unwrap();
        let b2 = s.contact(b.id).unwrap();
        assert_eq!(a2.emails, vec!["jm@fitko.example"]);
        assert_eq!(a2.notes.len(), 1);
        assert_eq!(b2.notes.len(), 1);
        assert_eq!(b2.role.as_deref(), Some("OZG-Koordinatorin"));
        let (_, rows) = s.attendance(&ev).unwrap();
        assert_eq!(rows.len(), 2, "the dropped attendance is back");
        assert!(
            rows.iter()
                .any(|r| r.contact_id == b.id && r.status == "attended")
        );
        assert!(
            s.timeline(b.id)
                .unwrap()
                .iter()
                .any(|i| matches!(i, TimelineItem::Encounter { .. }))
        );
        assert!(s.undo_merge(merge).is_err(), "undone once");
    }

    #[test]
    fn import_matches_orgs_updates_by_uid_records_attendance_and_skips_bad_records() {
        let (mut s, ev) = store_with_event();
        let rec = |given: &str, family: &str, org: &str, uid: Option<&str>, line: usize| {
            ImportedContact {
                contact: person(given, family),
                organization: Some(OrgRef {
                    name: org.into(),
                    ..Default::default()
                }),
                notes: vec!["vom Import".into()],
                uid: uid.map(String::from),
                line,
                cancelled: false,
            }
        };
        let mut bad = rec("", "", "FITKO", None, 4);
        bad.contact = ContactInput::default();
        let records = vec![
            rec("Eva", "Berger", "fitko", Some("card-1"), 2),
            rec("Tom", "Neu", "Gemeinde Musterhausen", None, 3),
            bad,
        ];
        let r = s.import_contacts(&records, Some(&ev), "csv").unwrap();
        assert_eq!((r.imported, r.updated, r.organizations_created), (2, 0, 1));
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].line, 4);
        let eva = s.contact(r.contact_ids[0]).unwrap();
        assert_eq!(
            eva.organization.as_deref(),
            Some("FITKO (Föderale IT-Kooperation)"),
            "matched by abbreviation"
        );
        assert_eq!(eva.uid, "card-1");
        assert_eq!(s.attendance(&ev).unwrap().1.len(), 2);
        // Importing the same file again updates, adds no duplicate note.
        let r2 = s.import_contacts(&records[..1], None, "vcard").unwrap();
        assert_eq!((r2.imported, r2.updated), (0, 1));
        assert_eq!(s.contact(r.contact_ids[0]).unwrap().notes.len(), 1);
    }
}

#[test]
fn series_are_suggested_confirmed_and_give_a_matrix() {
    use crate::ical::event::read_feed;
    use crate::model::AttendanceStatus;
    let (mut s, f) = store_with_feed("https://x.example/f.ics", "X");
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:e23\nDTSTART:20231205T090000Z\nSUMMARY:OZG-Erfahrungsaustausch 2023 – Winterwonderland\nEND:VEVENT\nBEGIN:VEVENT\nUID:e24\nDTSTART:20240521T090000Z\nSUMMARY:OZG-Erfahrungsaustausch Sommer 2024 - Im Land der Dichter und Denker\nEND:VEVENT\nBEGIN:VEVENT\nUID:lab\nDTSTART:20240601T090000Z\nSUMMARY:Digitalisierungslabor\nEND:VEVENT\nEND:VCALENDAR\n";
    let read = read_feed(ics.as_bytes(), chrono_tz::Tz::Europe__Berlin, s.now()).unwrap();
    s.apply_feed(f.id, &read, None, None).unwrap();
    let sug = s.series_suggestions().unwrap();
    assert_eq!(sug.len(), 1);
    assert_eq!(sug[0].name, "OZG-Erfahrungsaustausch");
    let id = s
        .confirm_series("OZG-Erfahrungsaustausch", &sug[0].event_ids)
        .unwrap();
    assert!(s.series_suggestions().unwrap().is_empty());
    let a = s.create_contact(&person("Anna", "Weiß"), None).unwrap();
    let e23 = s.event_ref("e23", None).unwrap();
    let e24 = s.event_ref("e24", None).unwrap();
    s.mark_attendance(&e23, Some(a.id), AttendanceStatus::Attended)
        .unwrap();
    s.mark_attendance(&e24, Some(a.id), AttendanceStatus::Registered)
        .unwrap();
    s.mark_attendance(&e24, None, AttendanceStatus::Attended)
        .unwrap();
    let m = s.series_matrix(id).unwrap();
    assert_eq!(
        m.series
            .events
            .iter()
            .map(|e| e.uid.as_str())
            .collect::<Vec<_>>(),
        ["e23", "e24"]
    );
    assert_eq!(m.mine, vec![None, Some("attended".into())]);
    assert_eq!(m.rows.len(), 1);
    assert_eq!(
        m.rows[0].statuses,
        vec![Some("attended".into()), Some("registered".into())]
    );
}
