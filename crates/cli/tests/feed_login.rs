//! A login written into a feed's address (`https://user:password@host/…`, as some calendar
//! servers hand out subscription links) is a secret (issue 14): it goes to the keyring, and the
//! address is stored, listed and opened without it.

mod support;

use support::http::{Reply, Server};

#[test]
fn a_login_in_the_address_moves_to_the_keyring() {
    if !support::keyring_present() {
        return;
    }
    let (dir, db) = support::temp_db();
    let body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261101T000000Z\r\n\
                 DTSTART:20261203T093000Z\r\nSUMMARY:OZG-Workshop\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let server = Server::start(Reply::calendar(body.to_vec(), "\"1\""));
    let with_login = server.url.replace("http://", "http://ozg:Geheim-URL-4711@");
    let added = support::ok(&db, &["feed", "add", &with_login]);
    assert_eq!(
        added["url"],
        server.url.as_str(),
        "stored without the login: {added}"
    );
    let listed = support::ok(&db, &["feed", "list"]);
    assert_eq!(listed[0]["url"], server.url.as_str(), "{listed}");
    assert!(!listed.to_string().contains("Geheim"), "{listed}");

    support::ok(&db, &["feed", "sync"]);
    let auth = server.seen.lock().unwrap().authorization.clone();
    assert_eq!(
        auth.as_deref(),
        Some("Basic b3pnOkdlaGVpbS1VUkwtNDcxMQ=="),
        "Basic ozg:Geheim-URL-4711, from the keyring"
    );
    support::assert_in_no_file(dir.path(), "Geheim-URL-4711");
}
