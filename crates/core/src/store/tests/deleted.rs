//! The recently deleted list: deleted and merged-away contacts with when and why, restoring
//! either kind, the tombstones old enough to erase, and the period the user keeps them.

use super::*;
use crate::clock::FixedClock;
use crate::store::DeletedReason;
use chrono::TimeZone;
use std::sync::Arc;

fn at(day: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc
        .with_ymd_and_hms(2026, 11, day, 9, 0, 0)
        .unwrap()
}

fn store_at(day: u32) -> (Store, Arc<FixedClock>) {
    let mut s = Store::open_in_memory().unwrap();
    let clock = Arc::new(FixedClock::at(at(day)));
    s.set_clock(clock.clone());
    (s, clock)
}

fn add(s: &mut Store, given: &str, family: &str, note: Option<&str>) -> i64 {
    s.create_contact(&person(given, family), note).unwrap().id
}

#[test]
fn deleted_and_merged_contacts_are_listed_with_when_and_why() {
    let (mut s, clock) = store_at(1);
    let anna = add(&mut s, "Anna", "Adler", Some("Erfurt"));
    let kept = add(&mut s, "Bernd", "Bauer", None);
    let twin = add(&mut s, "Bernd", "Bauer-Zwilling", None);
    let live = add(&mut s, "Carla", "Clausen", None);
    clock.set(at(2));
    s.delete_contact(anna).unwrap();
    clock.set(at(3));
    s.merge_contacts(kept, twin).unwrap();

    let list = s.deleted_contacts().unwrap();
    let ids: Vec<i64> = list.iter().map(|d| d.id).collect();
    assert_eq!(
        ids,
        [twin, anna],
        "most recently deleted first; live ones not listed"
    );
    assert_eq!(list[0].reason, DeletedReason::Merged);
    assert_eq!(list[0].merged_into, Some(kept));
    assert_eq!(list[0].merged_into_name.as_deref(), Some("Bernd Bauer"));
    assert_eq!(list[0].deleted_at, "2026-11-03T09:00:00.000Z");
    assert_eq!(list[1].reason, DeletedReason::Deleted);
    assert_eq!(list[1].name, "Anna Adler");
    assert_eq!(list[1].merged_into, None);
    assert_eq!(list[1].deleted_at, "2026-11-02T09:00:00.000Z");
    assert!(!ids.contains(&live) && !ids.contains(&kept));
    let json = serde_json::to_value(&list[0]).unwrap();
    assert_eq!(json["reason"], "merged");
}

#[test]
fn a_deleted_contact_is_restored_with_its_notes() {
    let (mut s, _) = store_at(1);
    let anna = add(&mut s, "Anna", "Adler", Some("Erfurt, Workshop 2"));
    let live = add(&mut s, "Carla", "Clausen", None);
    s.delete_contact(anna).unwrap();
    let back = s.restore_deleted_contact(anna).unwrap();
    assert_eq!(back.notes[0].body, "Erfurt, Workshop 2");
    assert!(s.deleted_contacts().unwrap().is_empty());
    assert_eq!(s.list_contacts(0, 10).unwrap().total, 2);
    // A live contact is not "deleted": restoring it again is refused, and so is erasing it
    // through the deleted list.
    for id in [anna, live, 9999] {
        let e = s.restore_deleted_contact(id).unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{id}: {e}");
        assert!(s.check_deleted(id).is_err());
    }
}

#[test]
fn a_merged_away_contact_is_restored_by_undoing_the_merge() {
    let (mut s, _) = store_at(1);
    let kept = add(&mut s, "Bernd", "Bauer", Some("Notiz von Bernd"));
    let twin = add(
        &mut s,
        "Bernd",
        "Bauer-Zwilling",
        Some("Notiz vom Zwilling"),
    );
    s.merge_contacts(kept, twin).unwrap();
    assert_eq!(s.contact(kept).unwrap().notes.len(), 2);

    let back = s.restore_deleted_contact(twin).unwrap();
    assert_eq!(back.notes.len(), 1);
    assert_eq!(
        back.notes[0].body, "Notiz vom Zwilling",
        "its notes come back to it"
    );
    assert_eq!(s.contact(kept).unwrap().notes.len(), 1);
    assert!(
        s.deleted_contacts().unwrap().is_empty(),
        "no longer merged away"
    );
}

#[test]
fn a_merged_away_contact_whose_kept_one_is_deleted_stays_deleted() {
    let (mut s, _) = store_at(1);
    let kept = add(&mut s, "Bernd", "Bauer", None);
    let twin = add(&mut s, "Bernd", "Bauer-Zwilling", None);
    s.merge_contacts(kept, twin).unwrap();
    s.delete_contact(kept).unwrap();
    assert!(s.restore_deleted_contact(twin).is_err());
    assert_eq!(
        s.deleted_contacts().unwrap().len(),
        2,
        "nothing half restored"
    );
    s.restore_deleted_contact(kept).unwrap();
    s.restore_deleted_contact(twin).unwrap();
    assert!(s.deleted_contacts().unwrap().is_empty());
}

#[test]
fn contacts_deleted_before_a_time_are_the_ones_to_erase() {
    let (mut s, clock) = store_at(1);
    let old = add(&mut s, "Olga", "Alt", None);
    let new = add(&mut s, "Nina", "Neu", None);
    add(&mut s, "Lena", "Lebendig", None);
    s.delete_contact(old).unwrap();
    clock.set(at(20));
    s.delete_contact(new).unwrap();
    assert_eq!(s.deleted_before(at(1)).unwrap(), Vec::<i64>::new());
    assert_eq!(s.deleted_before(at(2)).unwrap(), [old]);
    assert_eq!(s.deleted_before(at(21)).unwrap(), [old, new]);
}

#[test]
fn the_days_to_keep_deleted_contacts_default_to_30_and_are_checked() {
    let (mut s, _) = store_at(1);
    assert_eq!(s.deleted_keep_days().unwrap(), 30);
    s.set_deleted_keep_days(60).unwrap();
    assert_eq!(s.deleted_keep_days().unwrap(), 60);
    for bad in [0, 3651, u32::MAX] {
        let e = s.set_deleted_keep_days(bad).unwrap_err();
        assert!(matches!(e, Error::Validation { field: "days", .. }), "{e}");
    }
    assert_eq!(
        s.deleted_keep_days().unwrap(),
        60,
        "a refused value changes nothing"
    );
    // The UI writes it as a setting, with the same check.
    s.set_ui_setting(crate::settings::DELETED_KEEP_DAYS, "7")
        .unwrap();
    assert_eq!(s.deleted_keep_days().unwrap(), 7);
    assert!(
        s.set_ui_setting(crate::settings::DELETED_KEEP_DAYS, "0")
            .is_err()
    );
    assert_eq!(s.deleted_keep_days().unwrap(), 7);
}
