//! Roles over time through the `vernetzt` binary (issue 17): list, change vs correction, holders
//! now and at a date, vacant posts.

mod support;

use support::{add_contact, fails, ok, temp_db};

#[test]
fn change_of_post_keeps_history_and_holders_answer_now_and_then() {
    let (_dir, db) = temp_db();
    let anna = add_contact(
        &db,
        "Anna Sachs",
        &[("--org", "SMI"), ("--role", "OZG-Koordinatorin")],
    );
    let id = anna["id"].as_i64().unwrap().to_string();
    let list = ok(&db, &["roles", "list", &id]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["function"], "OZG-Koordinatorin");
    assert!(list[0]["to"].is_null());

    let changed = ok(
        &db,
        &[
            "roles",
            "change",
            &id,
            "--org",
            "Saechsische Staatskanzlei",
            "--role",
            "Abteilungsleiterin Digitales",
            "--themenfeld",
            "querschnitt",
            "--from",
            "03/2024",
        ],
    );
    assert_eq!(changed.as_array().unwrap().len(), 2, "{changed}");
    assert_eq!(changed[0]["organization"], "Sächsische Staatskanzlei");
    assert_eq!(changed[0]["level"], "land");
    assert_eq!(changed[0]["from"], "2024-03");
    assert_eq!(changed[1]["to"], "2024-03");
    let contact = ok(&db, &["contacts", "show", &id]);
    assert_eq!(contact["role"], "Abteilungsleiterin Digitales");

    // A successor takes the old post.
    let bea = add_contact(
        &db,
        "Bea Berg",
        &[("--org", "SMI"), ("--role", "OZG-Koordinatorin")],
    );
    let holders = ok(
        &db,
        &[
            "roles",
            "holders",
            "--role",
            "ozg-koordinator",
            "--land",
            "Sachsen",
        ],
    );
    let names: Vec<_> = holders
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["contact_id"].as_i64().unwrap(), r["to"].is_null()))
        .collect();
    assert_eq!(
        names,
        vec![
            (bea["id"].as_i64().unwrap(), true),
            (anna["id"].as_i64().unwrap(), false)
        ],
        "current holders first"
    );
    let in_2023 = ok(
        &db,
        &[
            "roles",
            "holders",
            "--role",
            "OZG-Koordinatorin",
            "--at",
            "2023-06",
        ],
    );
    assert_eq!(
        in_2023.as_array().unwrap().len(),
        2,
        "the start of both is unknown: {in_2023}"
    );
    let in_2025 = ok(
        &db,
        &[
            "roles",
            "holders",
            "--role",
            "OZG-Koordinatorin",
            "--at",
            "2025",
        ],
    );
    assert_eq!(in_2025.as_array().unwrap().len(), 1);
    assert_eq!(in_2025[0]["contact_name"], "Bea Berg");

    // A correction rewrites the current role.
    let corrected = ok(
        &db,
        &[
            "roles",
            "change",
            &id,
            "--org",
            "Sächsische Staatskanzlei",
            "--role",
            "Abteilungsleiterin Digitalisierung",
            "--correction",
        ],
    );
    assert_eq!(corrected.as_array().unwrap().len(), 2);
    assert_eq!(
        corrected[0]["function"],
        "Abteilungsleiterin Digitalisierung"
    );
    assert_eq!(corrected[0]["from"], "2024-03");

    let err = fails(
        &db,
        &["roles", "change", &id, "--role", "X", "--from", "2024-13"],
    );
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn vacant_posts_are_recorded_and_listed() {
    let (_dir, db) = temp_db();
    let post = ok(
        &db,
        &[
            "roles",
            "vacant",
            "--role",
            "Digitalisierungsbeauftragte",
            "--org",
            "Landkreis Göttingen",
            "--from",
            "2026-10",
        ],
    );
    assert_eq!(post["vacant"], true);
    let listed = ok(&db, &["roles", "vacant", "--list", "--land", "NI"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["function"], "Digitalisierungsbeauftragte");
    assert!(
        ok(&db, &["roles", "vacant", "--list", "--land", "BY"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let err = fails(&db, &["roles", "vacant"]);
    assert!(err.contains("--role"), "{err}");
}
