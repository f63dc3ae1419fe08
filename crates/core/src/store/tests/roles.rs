//! Roles over time (issue 17): history, correction vs change, holders now and at a date, vacant
//! posts, and the migration of existing contacts.

use super::*;
use crate::roles::{HoldersQuery, RoleChange};
use chrono::TimeZone;

fn at(s: &mut Store, y: i32, m: u32, d: u32) {
    let t = chrono::Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap();
    s.set_clock(crate::clock::FixedClock::at(t));
}

fn id_of(s: &Store, uid: &str) -> i64 {
    s.conn
        .query_row("SELECT id FROM contacts WHERE uid = ?1", [uid], |r| {
            r.get(0)
        })
        .unwrap()
}

fn org(s: &Store, name: &str) -> i64 {
    s.find_orgs(name).unwrap()[0].id
}

/// Anna: Referentin at the SMI since 2021, then OZG-Koordinatorin at the Staatskanzlei from
/// 2024-03.
fn anna(s: &mut Store) -> i64 {
    let smi = org(s, "SMI");
    let mut input = person("Anna", "Sachs");
    input.role = Some("Referentin".into());
    input.organization_id = Some(smi);
    let c = s.create_contact(&input, None).unwrap();
    s.change_role(
        c.id,
        &RoleChange {
            function: "Referentin".into(),
            organization_id: Some(smi),
            from: Some("2021".into()),
            correction: true,
            ..Default::default()
        },
    )
    .unwrap();
    s.change_role(
        c.id,
        &RoleChange {
            function: "OZG-Koordinatorin".into(),
            organization_id: Some(org(s, "Sächsische Staatskanzlei")),
            themenfeld: Some("querschnitt".into()),
            from: Some("03/2024".into()),
            correction: false,
        },
    )
    .unwrap();
    c.id
}

#[test]
fn a_change_of_post_keeps_the_old_role_and_updates_the_contact() {
    let mut s = Store::open_in_memory().unwrap();
    let id = anna(&mut s);
    let roles = s.roles(id).unwrap();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert_eq!(roles[0].function, "OZG-Koordinatorin");
    assert_eq!(roles[0].from.as_deref(), Some("2024-03"));
    assert!(roles[0].is_current());
    assert_eq!(roles[0].themenfeld.as_deref(), Some("querschnitt"));
    assert_eq!(roles[1].function, "Referentin");
    assert_eq!(
        (roles[1].from.as_deref(), roles[1].to.as_deref()),
        (Some("2021"), Some("2024-03"))
    );
    let c = s.contact(id).unwrap();
    assert_eq!(c.role.as_deref(), Some("OZG-Koordinatorin"));
    assert_eq!(c.organization.as_deref(), Some("Sächsische Staatskanzlei"));
    // Search finds the contact by the new post.
    assert_eq!(s.search("koordinatorin", 5).unwrap().len(), 1);
}

#[test]
fn a_correction_rewrites_the_current_role_without_history() {
    let mut s = Store::open_in_memory().unwrap();
    let id = anna(&mut s);
    s.change_role(
        id,
        &RoleChange {
            function: "OZG-Koordinatorin des Freistaats".into(),
            organization_id: Some(org(&s, "Sächsische Staatskanzlei")),
            correction: true,
            ..Default::default()
        },
    )
    .unwrap();
    let roles = s.roles(id).unwrap();
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].function, "OZG-Koordinatorin des Freistaats");
    assert_eq!(roles[0].from.as_deref(), Some("2024-03"), "start kept");
}

#[test]
fn a_change_without_a_date_takes_today_from_the_stores_clock() {
    let mut s = Store::open_in_memory().unwrap();
    at(&mut s, 2026, 11, 2);
    let mut input = person("Bernd", "Brand");
    input.role = Some("Referent".into());
    let c = s.create_contact(&input, None).unwrap();
    s.change_role(
        c.id,
        &RoleChange {
            function: "Referatsleiter".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let roles = s.roles(c.id).unwrap();
    assert_eq!(roles[0].from.as_deref(), Some("2026-11-02"));
    assert_eq!(roles[1].to.as_deref(), Some("2026-11-02"));
    let e = s
        .change_role(
            c.id,
            &RoleChange {
                function: "X".into(),
                from: Some("2026-13".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.validation_detail(), Some(("date_invalid", "date")));
}

#[test]
fn a_plain_edit_of_the_contact_corrects_its_open_role() {
    let mut s = Store::open_in_memory().unwrap();
    let mut input = person("Carla", "Clemens");
    input.role = Some("Referentin".into());
    let c = s.create_contact(&input, None).unwrap();
    assert_eq!(s.roles(c.id).unwrap().len(), 1);
    input.role = Some("Referentin für OZG".into());
    s.update_contact(c.id, &input).unwrap();
    let roles = s.roles(c.id).unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].function, "Referentin für OZG");
    input.role = None;
    s.update_contact(c.id, &input).unwrap();
    assert!(s.roles(c.id).unwrap().is_empty());
}

#[test]
fn holders_now_and_at_a_date_current_first_with_filters() {
    let mut s = Store::open_in_memory().unwrap();
    let anna = anna(&mut s);
    let mut input = person("Dora", "Dahm");
    input.role = Some("OZG-Koordinatorin".into());
    input.organization_id = Some(org(&s, "SMI"));
    let dora = s.create_contact(&input, None).unwrap().id;
    s.change_role(
        dora,
        &RoleChange {
            function: "Referatsleiterin".into(),
            organization_id: Some(org(&s, "SMI")),
            from: Some("2024-02".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let q = |function: &str, at: Option<&str>| HoldersQuery {
        function: function.into(),
        land: Some("Sachsen".into()),
        at: at.map(str::to_string),
        ..Default::default()
    };
    let all = s.role_holders(&q("ozg-koordinator", None)).unwrap();
    let who: Vec<_> = all.iter().map(|r| (r.contact_id, r.is_current())).collect();
    assert_eq!(who, vec![(Some(anna), true), (Some(dora), false)]);
    let in_2023 = s
        .role_holders(&q("OZG-Koordinatorin", Some("2023")))
        .unwrap();
    assert_eq!(in_2023.len(), 1);
    assert_eq!(in_2023[0].contact_id, Some(dora));
    assert_eq!(in_2023[0].contact_name.as_deref(), Some("Dora Dahm"));
    let in_bayern = HoldersQuery {
        function: "OZG".into(),
        land: Some("BY".into()),
        ..Default::default()
    };
    assert!(s.role_holders(&in_bayern).unwrap().is_empty());
    let by_level = HoldersQuery {
        function: "OZG".into(),
        level: Some(Level::Land),
        themenfeld: Some("querschnitt".into()),
        ..Default::default()
    };
    assert_eq!(s.role_holders(&by_level).unwrap().len(), 1);
}

#[test]
fn a_vacant_post_is_found_as_vacant() {
    let mut s = Store::open_in_memory().unwrap();
    let post = s
        .add_vacant_role(&RoleChange {
            function: "Digitalisierungsbeauftragte".into(),
            organization_id: Some(org(&s, "Landkreis Göttingen")),
            from: Some("2026-10".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(post.vacant && post.contact_id.is_none());
    let q = HoldersQuery {
        function: "digitalisierung".into(),
        vacant_only: true,
        ..Default::default()
    };
    let found = s.role_holders(&q).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].land_key.as_deref(), Some("03"));
}

/// A database from before migration 0009 keeps each contact's role and organisation as one
/// open-ended role.
#[test]
fn existing_roles_become_open_ended_roles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v8.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 8).unwrap();
        conn.execute_batch(
            "INSERT INTO contacts(uid, display_name, role, sort_key, created_at, updated_at)
             VALUES ('u1', 'Eva Ernst', 'Referentin', 'ernst eva', '2025-01-01', '2025-01-01'),
                    ('u2', 'Ohne Rolle', NULL, 'rolle ohne', '2025-01-01', '2025-01-01');",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let eva = id_of(&s, "u1");
    let roles = s.roles(eva).unwrap();
    assert_eq!(roles.len(), 1);
    assert_eq!(roles[0].function, "Referentin");
    assert!(roles[0].is_current() && roles[0].from.is_none());
    assert!(s.roles(id_of(&s, "u2")).unwrap().is_empty());
}
