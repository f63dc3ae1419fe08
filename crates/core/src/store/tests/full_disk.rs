//! A full disk for a store that stays open, as the app's does: SQLite's `max_page_count` makes
//! every write that needs more pages fail with `SQLITE_FULL`, as a full disk does. (The CLI's
//! `tests/full_disk.rs` fills a real file system; each of its runs opens the store anew.)

use super::*;

fn cards(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Teilnehmerin {i:04}\r\n\
                 EMAIL:t{i:04}@kommune.example\r\nEND:VCARD\r\n"
            )
        })
        .collect()
}

fn limit_pages(s: &Store, extra: i64) {
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    s.conn
        .pragma_update(None, "max_page_count", pages + extra)
        .unwrap();
}

#[test]
fn a_full_disk_fails_one_step_and_the_open_store_works_once_there_is_space() {
    let mut s = Store::open_in_memory().unwrap();
    s.create_contact(&person("Anna", "Adler"), None).unwrap();
    limit_pages(&s, 2);
    let e = crate::exchange::import(&mut s, cards(2000).as_bytes(), None, None).unwrap_err();
    assert_eq!(e.kind(), "disk_full", "{e}");
    assert!(e.to_string().starts_with("the disk is full"), "{e}");
    assert_eq!(s.contact_ids().unwrap().len(), 1, "nothing of the import");
    assert_eq!(found(&s, "Teilnehmerin", 5, |h| h.id), Vec::<i64>::new());

    // Space again: the same connection imports, and search sees it.
    limit_pages(&s, 1_000_000);
    let r = crate::exchange::import(&mut s, cards(2000).as_bytes(), None, None).unwrap();
    assert_eq!(r.imported, 2000);
    assert_eq!(found(&s, "Teilnehmerin 0042", 5, |h| h.name).len(), 1);
    assert_eq!(s.contact_ids().unwrap().len(), 2001);
}
