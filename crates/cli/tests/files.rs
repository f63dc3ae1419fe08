//! Files with personal data the CLI writes (issue 14): created readable by the user only, and an
//! existing file is never overwritten behind the user's back.

mod support;

use support::{fails, ok};

#[test]
fn exports_are_private_and_never_overwrite_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let id = ok(&db, &["contacts", "add", "--name", "Jördis Müller"])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let out = dir.path().join("auskunft.json");
    ok(
        &db,
        &["privacy", "export", &id, "--out", out.to_str().unwrap()],
    );
    let vcf = out.with_extension("vcf");
    #[cfg(unix)]
    for file in [&out, &vcf] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}: {mode:o}", file.display());
    }

    // A second export to the same name is refused, naming the file; the first stays.
    std::fs::write(&out, "kept").unwrap();
    let err = fails(
        &db,
        &["privacy", "export", &id, "--out", out.to_str().unwrap()],
    );
    assert!(
        err.contains("exists already") && err.contains("auskunft.json"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept");

    let book = dir.path().join("kontakte.vcf");
    std::fs::write(&book, "mine").unwrap();
    let err = fails(
        &db,
        &[
            "contacts",
            "export",
            "--format",
            "vcard4",
            "--out",
            book.to_str().unwrap(),
        ],
    );
    assert!(err.contains("exists already"), "{err}");
    assert_eq!(std::fs::read_to_string(&book).unwrap(), "mine");
}
