//! The DAV sync against the scripted in-memory server: one fast test per rule of what a
//! server's answer means (no Radicale needed; those tests are in the CLI's `tests/dav.rs`).

use std::sync::Mutex;
use vernetzt_core::Store;
use vernetzt_core::model::ContactInput;
use vernetzt_core::store::{Account, Collection};
use vernetzt_net::dav::fake::{Answer, FakeRemote, Verb};
use vernetzt_net::dav::{DavError, DavErrorKind, SyncReport, sync};

const BOOK: &str = "/dav/u/book/";

struct Setup {
    store: Mutex<Store>,
    server: FakeRemote,
    account: Account,
    uids: Vec<String>,
}

/// A store with `names` as contacts and an account on an empty fake server.
fn setup(names: &[&str]) -> Setup {
    let mut store = Store::open_in_memory().unwrap();
    let account = Account {
        url: "https://dav.example.org/".into(),
        user: "u".into(),
        addressbook: BOOK.into(),
        calendar: None,
    };
    store.set_dav_account(&account).unwrap();
    let uids = names
        .iter()
        .map(|n| {
            let input = ContactInput {
                display_name: Some(n.to_string()),
                ..ContactInput::default()
            };
            store.create_contact(&input, None).unwrap().uid
        })
        .collect();
    Setup {
        store: Mutex::new(store),
        server: FakeRemote::new(BOOK, None),
        account,
        uids,
    }
}

/// One contact, synced to the server and then deleted here: the setup and the contact's id.
async fn deleted_after_sync() -> (Setup, i64) {
    let t = setup(&["Anna Amt"]);
    t.sync().await.unwrap();
    let id = t.contact_id(0);
    t.store().delete_contact(id).unwrap();
    (t, id)
}

impl Setup {
    async fn sync(&self) -> Result<SyncReport, DavError> {
        let now = chrono::Utc::now();
        sync(
            &self.store,
            &self.server,
            &self.account,
            now,
            &mut |_, _, _| {},
        )
        .await
    }

    fn href(&self, i: usize) -> String {
        format!("{BOOK}{}.vcf", self.uids[i])
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap()
    }

    fn pending(&self) -> usize {
        self.store().sync_status().unwrap().pending
    }

    fn contact_id(&self, i: usize) -> i64 {
        let s = self.store();
        s.contact_ids()
            .unwrap()
            .into_iter()
            .find(|id| s.contact(*id).unwrap().uid == self.uids[i])
            .unwrap()
    }
}

#[tokio::test]
async fn put_answered_with_an_etag_keeps_it_as_the_next_base() {
    let t = setup(&["Anna Amt"]);
    let r = t.sync().await.unwrap();
    assert_eq!(r.pushed, 1);
    let (etag, _) = t.server.object(&t.href(0)).unwrap();
    let item = t.store().dav_item(&t.uids[0]).unwrap().unwrap();
    assert_eq!(item.etag.as_deref(), Some(etag.as_str()));
    assert_eq!(t.server.count(Verb::Etag), 0);
    assert_eq!(t.pending(), 0);
}

#[tokio::test]
async fn put_answered_without_an_etag_asks_for_it() {
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::Put, Answer::StoredWithoutEtag);
    let r = t.sync().await.unwrap();
    assert_eq!(r.pushed, 1);
    assert_eq!(t.server.count(Verb::Etag), 1);
    let (etag, _) = t.server.object(&t.href(0)).unwrap();
    let item = t.store().dav_item(&t.uids[0]).unwrap().unwrap();
    assert_eq!(item.etag.as_deref(), Some(etag.as_str()));
}

#[tokio::test]
async fn put_412_fetches_merges_and_tries_once_more() {
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::Put, Answer::Status(412));
    let gets = t.server.count(Verb::Multiget);
    let r = t.sync().await.unwrap();
    assert_eq!(r.pushed, 1);
    assert_eq!(t.server.count(Verb::Put), 2);
    assert_eq!(t.server.count(Verb::Multiget), gets + 1);
    assert_eq!(t.pending(), 0);
}

#[tokio::test]
async fn put_412_twice_stops_the_run_as_a_conflict() {
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::Put, Answer::Status(412));
    t.server.script(Verb::Put, Answer::Status(412));
    let e = t.sync().await.unwrap_err();
    assert_eq!(e.kind, DavErrorKind::Conflict);
    assert_eq!(t.pending(), 1);
}

#[tokio::test]
async fn put_415_sends_vcard_3_from_then_on() {
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::Put, Answer::Status(415));
    let r = t.sync().await.unwrap();
    assert_eq!(r.pushed, 1);
    let (_, card) = t.server.object(&t.href(0)).unwrap();
    assert!(card.contains("VERSION:3.0"), "{card}");
    assert!(t.store().dav_vcard_v3().unwrap());
}

#[tokio::test]
async fn a_refused_card_is_named_stays_queued_and_the_rest_goes_on() {
    for status in [400, 409, 413, 422] {
        let t = setup(&["Anna Amt", "Bernd Behörde"]);
        t.server.script(Verb::Put, Answer::Status(status));
        let r = t.sync().await.unwrap();
        assert_eq!(r.pushed, 1, "{status}");
        assert_eq!(r.refused.len(), 1, "{status}");
        assert!(r.refused[0].starts_with("Anna Amt: "), "{:?}", r.refused);
        assert_eq!(t.pending(), 1, "{status}");
        let st = t.store().sync_status().unwrap();
        assert!(st.last_error.unwrap().contains("refused"), "{status}");
        assert!(t.server.object(&t.href(1)).is_some());
    }
}

#[tokio::test]
async fn login_and_permission_failures_stop_the_run() {
    for (status, kind, text) in [
        (401, DavErrorKind::Auth, "auth"),
        (403, DavErrorKind::Forbidden, "forbidden"),
        (404, DavErrorKind::NotFound, "not_found"),
    ] {
        let t = setup(&["Anna Amt"]);
        t.server.script(Verb::Put, Answer::Status(status));
        let e = t.sync().await.unwrap_err();
        assert_eq!(e.kind, kind, "{status}");
        assert_eq!(e.kind.as_str(), text);
        assert_eq!(e.status, Some(status));
        assert_eq!(t.pending(), 1);
    }
}

#[tokio::test]
async fn a_busy_server_names_its_wait() {
    for status in [429, 503] {
        let t = setup(&["Anna Amt"]);
        t.server.script(Verb::Put, Answer::RetryAfter(status, 120));
        let e = t.sync().await.unwrap_err();
        assert_eq!(e.kind, DavErrorKind::Server);
        assert_eq!(e.retry_after, Some(120));
    }
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::SyncCollection, Answer::Status(500));
    let e = t.sync().await.unwrap_err();
    assert_eq!((e.kind, e.retry_after), (DavErrorKind::Server, None));
}

#[tokio::test]
async fn delete_404_means_already_gone() {
    let (t, _) = deleted_after_sync().await;
    t.server.script(Verb::Delete, Answer::Status(404));
    let r = t.sync().await.unwrap();
    assert_eq!(r.deleted, 0);
    assert!(t.store().dav_item(&t.uids[0]).unwrap().is_none());
    assert_eq!(t.pending(), 0);
}

#[tokio::test]
async fn delete_meeting_an_edit_gives_way_and_fetches_it_back() {
    let (t, id) = deleted_after_sync().await;
    t.server.script(Verb::Delete, Answer::Status(412));
    let r = t.sync().await.unwrap();
    assert_eq!((r.deleted, r.pulled), (0, 1));
    assert!(t.server.object(&t.href(0)).is_some());
    assert!(
        t.store().contact(id).is_ok(),
        "the edit there brings it back"
    );
}

#[tokio::test]
async fn delete_answered_2xx_deletes_there() {
    let (t, _) = deleted_after_sync().await;
    let r = t.sync().await.unwrap();
    assert_eq!(r.deleted, 1);
    assert!(t.server.object(&t.href(0)).is_none());
    assert!(t.store().dav_item(&t.uids[0]).unwrap().is_none());
}

#[tokio::test]
async fn a_server_without_sync_collection_is_listed_and_remembered() {
    let t = setup(&["Anna Amt"]);
    t.server.without_sync_collection();
    let r = t.sync().await.unwrap();
    assert_eq!(r.pull_method, "listing");
    assert!(
        t.store()
            .dav_collection_state(Collection::Contacts)
            .unwrap()
            .listing
    );
    t.sync().await.unwrap();
    assert_eq!(t.server.count(Verb::SyncCollection), 1, "asked once only");
}

#[tokio::test]
async fn nothing_changed_is_one_request_and_the_state_is_kept_in_its_table() {
    let t = setup(&["Anna Amt"]);
    t.sync().await.unwrap();
    t.sync().await.unwrap();
    let kept = t
        .store()
        .dav_collection_state(Collection::Contacts)
        .unwrap();
    assert!(
        kept.token_current && !kept.sync_token.is_empty(),
        "{kept:?}"
    );
    let r = t.sync().await.unwrap();
    assert_eq!((r.requests, r.pull_method.as_str()), (1, "none"));
    assert_eq!(t.store().setting("dav_sync_token").unwrap(), None);
}

#[tokio::test]
async fn changes_and_deletions_there_are_pulled() {
    let t = setup(&["Anna Amt"]);
    t.sync().await.unwrap();
    let (_, card) = t.server.object(&t.href(0)).unwrap();
    t.server.put_object(
        &format!("{BOOK}new.vcf"),
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:new\r\nFN:Clara Client\r\nEND:VCARD\r\n",
    );
    t.server.remove_object(&t.href(0));
    assert!(card.contains("Anna Amt"));
    let r = t.sync().await.unwrap();
    assert_eq!((r.pulled, r.removed_here), (1, 1));
    assert!(t.store().dav_item("new").unwrap().is_some());
}

/// A card as another client writes it, with `uid`.
fn their_card(uid: &str, extra: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{uid}\r\nFN:Anna Amt\r\n{extra}END:VCARD\r\n")
}

#[tokio::test]
async fn a_uid_the_server_holds_under_another_name_is_joined_there() {
    let t = setup(&["Anna Amt"]);
    t.server.require_unique_uids(true);
    // Between the pull and the push another client stores the same person (same UID).
    let there = format!("{BOOK}other-client.vcf");
    let theirs = their_card(&t.uids[0], "TITLE:Referentin\r\n");
    t.server
        .script(Verb::Put, Answer::Meanwhile(there.clone(), theirs));
    let r = t.sync().await.unwrap();
    assert_eq!((r.pushed, r.refused.len()), (1, 0), "{r:?}");
    assert_eq!(
        t.server.hrefs(),
        std::slice::from_ref(&there),
        "not stored twice"
    );
    assert_eq!(t.server.count(Verb::Put), 2);
    let item = t.store().dav_item(&t.uids[0]).unwrap().unwrap();
    assert_eq!(item.href, there);
    let id = t.contact_id(0);
    assert_eq!(
        t.store().contact(id).unwrap().role.as_deref(),
        Some("Referentin"),
        "merged with theirs"
    );
    assert_eq!(t.pending(), 0);
}

#[tokio::test]
async fn a_uid_conflict_without_the_other_name_waits_for_the_next_pull() {
    // Xandikos 0.4 answers 412 no-uid-conflict without the href of the record it holds.
    let t = setup(&["Anna Amt", "Bernd Behörde"]);
    t.server.require_unique_uids(false);
    let there = format!("{BOOK}other-client.vcf");
    t.server.script(
        Verb::Put,
        Answer::Meanwhile(there.clone(), their_card(&t.uids[0], "")),
    );
    let r = t.sync().await.unwrap();
    assert_eq!(r.pushed, 1, "the rest goes on: {r:?}");
    assert!(r.refused[0].starts_with("Anna Amt: "), "{r:?}");
    assert!(r.refused[0].contains("no-uid-conflict"), "{r:?}");
    assert_eq!(t.pending(), 1);
    // The next sync reads the other client's card (the same as ours) and writes there.
    let r = t.sync().await.unwrap();
    assert_eq!((r.pushed, r.refused.len()), (1, 0), "{r:?}");
    assert_eq!(t.server.hrefs(), [t.href(1), there.clone()]);
    assert_eq!(t.store().dav_item(&t.uids[0]).unwrap().unwrap().href, there);
    assert_eq!(t.pending(), 0);
}

#[tokio::test]
async fn a_412_naming_a_precondition_refuses_the_card_without_a_retry() {
    use vernetzt_core::sync::Precondition;
    // Xandikos: a card it cannot read is 412 valid-address-data, not "changed there".
    let t = setup(&["Anna Amt", "Bernd Behörde"]);
    let invalid = Precondition::Other("valid-address-data".into());
    t.server.script(Verb::Put, Answer::Refused(412, invalid));
    let r = t.sync().await.unwrap();
    assert_eq!((r.pushed, r.refused.len()), (1, 1), "{r:?}");
    assert!(r.refused[0].contains("valid-address-data"), "{r:?}");
    assert_eq!(t.server.count(Verb::Multiget), 0, "nothing to merge with");
    assert_eq!(t.server.count(Verb::Put), 2);
    assert_eq!(t.pending(), 1);
}

#[tokio::test]
async fn a_put_answered_207_is_not_stored() {
    // An old Xandikos (0.2.8) reports a failed PUT as 207 Multi-Status; without a status
    // inside to read (the client reads it when there is one) it is a failure, never a success.
    let t = setup(&["Anna Amt"]);
    t.server.script(Verb::Put, Answer::Status(207));
    let kind = t.sync().await.map(|_| ()).unwrap_err().kind;
    assert_eq!((kind, t.pending()), (DavErrorKind::Protocol, 1));
    let item = t.store().dav_item(&t.uids[0]).unwrap();
    assert!(item.is_none(), "not recorded as stored");
}
