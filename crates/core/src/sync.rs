//! Two-way sync with the user's CardDAV server, the pure part: a contact as a set of fields, the
//! three-way merge of a local and a remote edit against the last synced version, and the push
//! plan drained from the change journal, what a server's answer means (`answer`) and what a run
//! keeps for the next (`state`). No I/O and no clock: `vernetzt-net` does the HTTP, the store
//! keeps the state (`store/dav.rs`).
//!
//! Merge rules (issue 6): a field changed on one side takes that side's value; a field changed on
//! both sides to the same value is no conflict; a field changed on both sides to different
//! values keeps the local value and records a conflict holding both, so nothing typed is lost.
//! Multi-valued fields (addresses, phones, tags, Themenfelder, notes) merge as sets: what either
//! side added is kept, what either side removed (and the other left alone) goes.

mod answer;
mod pull;
mod state;

pub use answer::{ErrorKind, Meaning, Precondition, Write, is_failure, meaning, status_kind};
pub use pull::{PULL_BATCH, plan_pull, pull_batch};
pub use state::{CollectionState, Listed};

use crate::model::{ImportedContact, Labeled, Level, OrgRef};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One field of a contact as sync compares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Value {
    /// A single value (`None` = empty).
    One(Option<String>),
    /// A set of values.
    Many(BTreeSet<String>),
}

/// A contact as sync compares it: field name → value. Built from a parsed vCard, so the local
/// contact (written as vCard and read back) and the server's card (as the server rewrote it)
/// are compared on the same footing.
pub type Fields = BTreeMap<&'static str, Value>;

const SCALARS: [&str; 13] = [
    "display_name",
    "given_name",
    "family_name",
    "title",
    "role",
    "organization",
    "org_level",
    "org_land",
    "org_key",
    "street",
    "postal_code",
    "locality",
    "website",
];
const SETS: [&str; 5] = ["emails", "phones", "tags", "themenfelder", "notes"];

/// The field key for a name read back from storage (conflicts store it as text).
pub fn field_name(name: &str) -> Option<&'static str> {
    SCALARS
        .iter()
        .chain(SETS.iter())
        .find(|k| **k == name)
        .copied()
}

fn norm(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// The fields of a parsed card.
pub fn fields(rec: &ImportedContact) -> Fields {
    let c = &rec.contact;
    let org = rec.organization.as_ref();
    let mut f = Fields::new();
    let one = |v: &Option<String>| Value::One(norm(v));
    f.insert("display_name", one(&c.display_name));
    f.insert("given_name", one(&c.given_name));
    f.insert("family_name", one(&c.family_name));
    f.insert("title", one(&c.title));
    f.insert("role", one(&c.role));
    f.insert("organization", one(&org.map(|o| o.name.clone())));
    f.insert(
        "org_level",
        one(&org.and_then(|o| o.level).map(|l| l.as_str().to_string())),
    );
    f.insert("org_land", one(&org.and_then(|o| o.land.clone())));
    f.insert("org_key", one(&org.and_then(|o| o.key.clone())));
    f.insert("street", one(&c.street));
    f.insert("postal_code", one(&c.postal_code));
    f.insert("locality", one(&c.locality));
    f.insert("website", one(&c.website));
    let set = |it: &mut dyn Iterator<Item = String>| {
        Value::Many(
            it.map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        )
    };
    f.insert(
        "emails",
        set(&mut c.emails.iter().map(|e| e.value.to_lowercase())),
    );
    f.insert("phones", set(&mut c.phones.iter().map(|e| e.value.clone())));
    f.insert("tags", set(&mut c.tags.iter().cloned()));
    f.insert("themenfelder", set(&mut c.themenfelder.iter().cloned()));
    f.insert("notes", set(&mut rec.notes.iter().cloned()));
    f
}

/// Writes merged fields back into a card (labels of addresses and numbers are taken from
/// `labels_from` where the value is there; the photo and UID stay as they are).
pub fn apply(rec: &mut ImportedContact, f: &Fields, labels_from: &[&ImportedContact]) {
    let one = |k: &str| match f.get(k) {
        Some(Value::One(v)) => v.clone(),
        _ => None,
    };
    let many = |k: &str| match f.get(k) {
        Some(Value::Many(v)) => v.iter().cloned().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    // Addresses or numbers, each with its label from `labels_from` where it is there.
    let labeled = |kind: &str| -> Vec<Labeled> {
        let label = |value: &str| {
            labels_from.iter().find_map(|r| {
                let list = if kind == "emails" {
                    &r.contact.emails
                } else {
                    &r.contact.phones
                };
                list.iter()
                    .find(|l| l.value.eq_ignore_ascii_case(value))
                    .and_then(|l| l.label.clone())
            })
        };
        let with_label = |value: String| Labeled {
            label: label(&value),
            value,
        };
        many(kind).into_iter().map(with_label).collect()
    };
    let c = &mut rec.contact;
    c.display_name = one("display_name");
    c.given_name = one("given_name");
    c.family_name = one("family_name");
    c.title = one("title");
    c.role = one("role");
    c.street = one("street");
    c.postal_code = one("postal_code");
    c.locality = one("locality");
    c.website = one("website");
    c.emails = labeled("emails");
    c.phones = labeled("phones");
    c.tags = many("tags");
    c.themenfelder = many("themenfelder");
    rec.notes = many("notes");
    rec.organization = one("organization").map(|name| OrgRef {
        name,
        level: one("org_level").and_then(|l| Level::parse(&l)),
        land: one("org_land"),
        key: one("org_key"),
    });
}

/// A field changed differently on both sides. The local value stays in the contact; the remote
/// value is kept here until the user chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// Field name (`role`, `display_name`, …).
    pub field: String,
    /// The value on this device.
    pub local: Option<String>,
    /// The value on the server.
    pub remote: Option<String>,
}

/// Three-way merge of a contact. Without a base (first sync of a contact that exists on both
/// sides) every difference counts as changed on both sides.
pub fn merge(
    base: Option<&Fields>,
    local: &Fields,
    remote: &Fields,
) -> (Fields, Vec<FieldConflict>) {
    let mut out = Fields::new();
    let mut conflicts = Vec::new();
    for k in SCALARS {
        let get = |f: &Fields| match f.get(k) {
            Some(Value::One(v)) => v.clone(),
            _ => None,
        };
        let (l, r) = (get(local), get(remote));
        let b = base.map(get);
        let v = if l == r {
            l
        } else if b.as_ref() == Some(&l) {
            r
        } else if b.as_ref() == Some(&r) {
            l
        } else if l.is_none() {
            r
        } else if r.is_none() && base.is_none() {
            l
        } else {
            conflicts.push(FieldConflict {
                field: k.to_string(),
                local: l.clone(),
                remote: r,
            });
            l
        };
        out.insert(k, Value::One(v));
    }
    for k in SETS {
        let get = |f: &Fields| match f.get(k) {
            Some(Value::Many(v)) => v.clone(),
            _ => BTreeSet::new(),
        };
        let (l, r) = (get(local), get(remote));
        let v: BTreeSet<String> = match base.map(get) {
            // Kept: in both now, or added on either side since the base.
            Some(b) => l
                .union(&r)
                .filter(|x| (l.contains(*x) && r.contains(*x)) || !b.contains(*x))
                .cloned()
                .collect(),
            None => l.union(&r).cloned().collect(),
        };
        out.insert(k, Value::Many(v));
    }
    (out, conflicts)
}

/// What to do with one contact on the server, from the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PushOp {
    /// Create or update the card of this contact UID.
    Put(String),
    /// Delete the card of this contact UID; an edit made there since (412) wins and is fetched
    /// back.
    Delete(String),
    /// Delete the card of this erased contact's UID (GDPR Art. 17). Unlike [`PushOp::Delete`]
    /// it never gives way: a 412 (changed there since) means "read the new ETag and delete
    /// again", never "fetch the edit back".
    Erase(String),
}

/// A journal entry as the planner needs it: entity, the contact it belongs to, live or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Journal sequence number.
    pub seq: i64,
    /// The contact the change travels with (notes and the like ride in their contact's card).
    pub contact_uid: String,
    /// Whether the contact exists (not deleted) now.
    pub live: bool,
    /// Whether the server has a card for it.
    pub on_server: bool,
    /// Whether the contact was erased (its UID is on the list of erased UIDs).
    pub erased: bool,
}

/// The pushes for a list of changes: one per contact (however many changes it had), in the
/// order of its first change; a deleted contact the server never had needs nothing. An erased
/// UID is never uploaded, whatever else the journal holds for it (an erasure interrupted before
/// its rows were gone): its card is erased where the server has one.
pub fn plan_push(changes: &[Change]) -> Vec<PushOp> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for c in changes {
        if !seen.insert(c.contact_uid.clone()) {
            continue;
        }
        if c.erased {
            if c.on_server {
                out.push(PushOp::Erase(c.contact_uid.clone()));
            }
        } else if c.live {
            out.push(PushOp::Put(c.contact_uid.clone()));
        } else if c.on_server {
            out.push(PushOp::Delete(c.contact_uid.clone()));
        }
    }
    out
}

/// When the next automatic sync may run after `failures` failed runs in a row: the server's
/// Retry-After when it gave one, else 30 s doubling up to 30 minutes. Pure: time passed in.
pub fn backoff(
    now: chrono::DateTime<chrono::Utc>,
    failures: u32,
    retry_after_secs: Option<u64>,
) -> chrono::DateTime<chrono::Utc> {
    let secs = match retry_after_secs {
        Some(s) => s.min(24 * 3600),
        None => (30u64 << failures.saturating_sub(1).min(6)).min(1800),
    };
    now + chrono::Duration::seconds(secs as i64)
}

/// Whether an automatic sync should run now: something is pending or the last pull is older
/// than `every`, and no back-off holds it.
pub fn due(
    now: chrono::DateTime<chrono::Utc>,
    pending: usize,
    last_sync: Option<chrono::DateTime<chrono::Utc>>,
    retry_at: Option<chrono::DateTime<chrono::Utc>>,
    every: chrono::Duration,
) -> bool {
    if retry_at.is_some_and(|r| now < r) {
        return false;
    }
    pending > 0 || last_sync.is_none_or(|l| now - l >= every)
}

/// What the change check knows of one collection (address book or calendar) before a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckState {
    /// A CTag read before the last complete pull, with no push of ours since: if the server
    /// still shows it, nothing changed there and the pull can be skipped.
    pub baseline: bool,
    /// The sync token of the last sync-collection, with no push of ours since: the server's
    /// `DAV:sync-token` property equal to it means nothing changed (RFC 6578 makes the two the
    /// same value). Dearer for the server than the CTag, so asked for only until a CTag is kept.
    pub token_baseline: bool,
    /// This sync will push to the collection (which moves its CTag and its token).
    pub pushes_pending: bool,
    /// The server gave no sync token (no RFC 6578): the collection is pulled by an ETag
    /// listing, and only a CTag read before it can become a baseline.
    pub lists: bool,
}

/// Whether a sync should open with the change check (one PROPFIND on the home for every
/// collection). The check pays for itself when it can spare a pull: some collection has a CTag
/// or a current sync token to compare with. Otherwise every collection is pulled directly, one
/// sync-collection each, whose token is then the next sync's baseline; so a first upload, a
/// first pull and the sync after our own pushes make no request a listing client would not.
/// Only for a server without sync-collection, whose listing yields no token, is a check run
/// to read CTags when nothing will be pushed (so that what it reads stays true).
pub fn check_first(collections: &[CheckState]) -> bool {
    collections.iter().any(|c| c.baseline || c.token_baseline)
        || (collections.iter().any(|c| c.lists) && collections.iter().all(|c| !c.pushes_pending))
}

/// Whether the check should also ask for `DAV:sync-token`: some collection has a current token
/// but no CTag yet. Asked once after each sync-collection that followed our own pushes; the
/// CTag read in the same answer then becomes the baseline and later checks ask only for it.
pub fn check_wants_token(collections: &[CheckState]) -> bool {
    collections.iter().any(|c| !c.baseline && c.token_baseline)
}

/// Whether the change check shows a collection unchanged since we last knew it entirely: its
/// CTag equals the kept one, or its sync token equals the current one. An empty baseline
/// matches nothing.
pub fn unchanged(
    seen_ctag: Option<&str>,
    seen_token: Option<&str>,
    ctag_baseline: &str,
    token_baseline: &str,
) -> bool {
    (!ctag_baseline.is_empty() && seen_ctag == Some(ctag_baseline))
        || (!token_baseline.is_empty() && seen_token == Some(token_baseline))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_change_check_runs_only_where_it_can_save_a_request() {
        let c = |baseline, token_baseline, pushes_pending| CheckState {
            baseline,
            token_baseline,
            pushes_pending,
            lists: false,
        };
        // Steady state: a CTag to compare with.
        assert!(check_first(&[c(true, true, false), c(true, false, false)]));
        assert!(check_first(&[c(true, false, true)]));
        // The sync after our own pushes: nothing current, one sync-collection directly.
        assert!(!check_first(&[c(false, false, false)]));
        // The one after that: the token from that sync-collection, and the CTag asked with it.
        assert!(check_first(&[c(false, true, false)]));
        assert!(check_wants_token(&[c(false, true, false)]));
        assert!(!check_wants_token(&[c(true, true, false)]));
        // The calendar still has its CTag: the check spares its pull.
        assert!(check_first(&[
            c(false, false, false),
            c(true, false, false)
        ]));
        assert!(!check_wants_token(&[
            c(false, false, false),
            c(true, false, false)
        ]));
        // A first upload and a first pull: nothing to compare with.
        assert!(!check_first(&[c(false, false, true)]));
        assert!(!check_first(&[
            c(false, false, true),
            c(false, false, false)
        ]));
        // A server without sync-collection: CTags read when nothing will be pushed.
        let listing = CheckState {
            lists: true,
            ..Default::default()
        };
        assert!(check_first(&[listing]));
        assert!(!check_first(&[CheckState {
            pushes_pending: true,
            ..listing
        }]));
    }

    #[test]
    fn unchanged_needs_an_equal_baseline() {
        assert!(unchanged(Some("c1"), None, "c1", ""));
        assert!(!unchanged(Some("c2"), None, "c1", ""));
        assert!(unchanged(Some("c2"), Some("t1"), "", "t1"));
        assert!(!unchanged(Some("c2"), Some("t2"), "c1", "t1"));
        // Nothing kept, nothing read: changed.
        assert!(!unchanged(None, None, "", ""));
        assert!(!unchanged(Some(""), Some(""), "", ""));
    }

    fn f(pairs: &[(&'static str, &str)], phones: &[&str]) -> Fields {
        let mut m = Fields::new();
        for k in SCALARS {
            m.insert(k, Value::One(None));
        }
        for k in SETS {
            m.insert(k, Value::Many(BTreeSet::new()));
        }
        for (k, v) in pairs {
            m.insert(k, Value::One(Some(v.to_string())));
        }
        m.insert(
            "phones",
            Value::Many(phones.iter().map(|s| s.to_string()).collect()),
        );
        m
    }

    #[test]
    fn one_side_changes_win_both_phones_kept() {
        let base = f(&[("role", "Referentin")], &["+49 30 1"]);
        let local = f(&[("role", "Referatsleiterin")], &["+49 30 1", "+49 30 2"]);
        let remote = f(
            &[("role", "Referentin"), ("locality", "Erfurt")],
            &["+49 30 1", "+49 171 3"],
        );
        let (m, c) = merge(Some(&base), &local, &remote);
        assert!(c.is_empty());
        assert_eq!(m["role"], Value::One(Some("Referatsleiterin".into())));
        assert_eq!(m["locality"], Value::One(Some("Erfurt".into())));
        assert_eq!(
            m["phones"],
            Value::Many(
                ["+49 30 1", "+49 30 2", "+49 171 3"]
                    .map(String::from)
                    .into()
            )
        );
    }

    #[test]
    fn same_field_both_sides_is_a_conflict_keeping_both() {
        let base = f(&[("role", "A")], &["1", "2"]);
        let local = f(&[("role", "B")], &["1"]);
        let remote = f(&[("role", "C")], &["1", "2"]);
        let (m, c) = merge(Some(&base), &local, &remote);
        assert_eq!(m["role"], Value::One(Some("B".into())), "local stays");
        assert_eq!(
            c,
            vec![FieldConflict {
                field: "role".into(),
                local: Some("B".into()),
                remote: Some("C".into())
            }]
        );
        assert_eq!(
            m["phones"],
            Value::Many(["1"].map(String::from).into()),
            "a removal on one side goes"
        );
        let (_, c) = merge(Some(&base), &local, &local.clone());
        assert!(c.is_empty(), "the same change on both sides");
    }

    #[test]
    fn backoff_and_due() {
        use chrono::{Duration, TimeZone, Utc};
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        assert_eq!(backoff(now, 1, None), now + Duration::seconds(30));
        assert_eq!(backoff(now, 3, None), now + Duration::seconds(120));
        assert_eq!(backoff(now, 30, None), now + Duration::seconds(1800));
        assert_eq!(backoff(now, 1, Some(7)), now + Duration::seconds(7));
        let every = Duration::minutes(5);
        assert!(due(now, 0, None, None, every), "never synced");
        assert!(!due(now, 0, Some(now - Duration::minutes(1)), None, every));
        assert!(due(now, 3, Some(now), None, every), "changes pending");
        assert!(
            !due(now, 3, None, Some(now + Duration::seconds(5)), every),
            "backing off"
        );
    }

    #[test]
    fn push_plan_one_op_per_contact() {
        let ch = |seq, uid: &str, live, on_server| Change {
            seq,
            contact_uid: uid.into(),
            live,
            on_server,
            erased: false,
        };
        let plan = plan_push(&[
            ch(1, "a", true, false),
            ch(2, "b", false, true),
            ch(3, "a", true, false),
            ch(4, "c", false, false),
        ]);
        assert_eq!(
            plan,
            vec![PushOp::Put("a".into()), PushOp::Delete("b".into())]
        );
    }

    #[test]
    fn an_erased_uid_is_never_uploaded_and_its_card_is_erased() {
        let ch = |seq, uid: &str, live, on_server, erased| Change {
            seq,
            contact_uid: uid.into(),
            live,
            on_server,
            erased,
        };
        let plan = plan_push(&[
            // Erased, still on the server (a pull met its card again, or the DELETE is due).
            ch(1, "a", false, true, true),
            // An erasure interrupted before the rows went: no upload all the same.
            ch(2, "b", true, true, true),
            ch(3, "b", true, true, true),
            // Erased before it ever reached the server: nothing to do.
            ch(4, "c", true, false, true),
            ch(5, "d", false, false, true),
            // Not erased: as before.
            ch(6, "e", false, true, false),
            ch(7, "f", true, true, false),
        ]);
        assert_eq!(
            plan,
            vec![
                PushOp::Erase("a".into()),
                PushOp::Erase("b".into()),
                PushOp::Delete("e".into()),
                PushOp::Put("f".into()),
            ]
        );
    }
}
