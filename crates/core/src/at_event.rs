//! The networking steps the app and the CLI address by an event's UID (and, for one occurrence of
//! a recurring event, that occurrence's start): who attends, "met at", quick capture, importing
//! an attendee list; the events list in the user's zone; and merging two contacts, which answers
//! with the merged contact.
//!
//! Each step first resolves the UID to an [`EventRef`] and then calls the store; written once
//! here, the callers (a Tauri command, a CLI subcommand) only parse and map the error.

use crate::exchange;
use crate::model::{
    AttendanceRow, AttendanceStatus, Contact, Encounter, EventRef, ImportReport, OccurrenceList,
};
use crate::{Result, Store, csv::Mapping, store::QuickCapture};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The event `uid` (or its occurrence) when a UID is given; `None` when not.
pub fn resolve(
    store: &Store,
    uid: Option<&str>,
    occurrence: Option<&str>,
) -> Result<Option<EventRef>> {
    uid.map(|u| store.event_ref(u, occurrence)).transpose()
}

/// Who attends an event, and the user's own status.
#[derive(Debug, Clone, Serialize)]
pub struct AttendanceView {
    /// The event as addressed.
    pub event: EventRef,
    /// The user's own status, if recorded.
    pub my_status: Option<String>,
    /// The contacts with a status.
    pub rows: Vec<AttendanceRow>,
}

/// The attendance of event `uid` (or its occurrence).
pub fn attendance(store: &Store, uid: &str, occurrence: Option<&str>) -> Result<AttendanceView> {
    let event = store.event_ref(uid, occurrence)?;
    let (my_status, rows) = store.attendance(&event)?;
    Ok(AttendanceView {
        event,
        my_status,
        rows,
    })
}

/// Records the user's own status (no contact) or a contact's at event `uid`.
pub fn mark(
    store: &mut Store,
    uid: &str,
    occurrence: Option<&str>,
    contact: Option<i64>,
    status: AttendanceStatus,
) -> Result<()> {
    let event = store.event_ref(uid, occurrence)?;
    store.mark_attendance(&event, contact, status)
}

/// Records where the user met a contact: at event `uid` if given, else nowhere in particular.
pub fn encounter(
    store: &mut Store,
    contact: i64,
    uid: Option<&str>,
    occurrence: Option<&str>,
    session: Option<&str>,
    note: Option<&str>,
) -> Result<Encounter> {
    let event = resolve(store, uid, occurrence)?;
    store.add_encounter(contact, event.as_ref(), session, note)
}

/// Quick capture: contact, attendance and "met at" in one step, at event `uid` if given.
pub fn quick_capture(
    store: &mut Store,
    input: &QuickCapture,
    uid: Option<&str>,
    occurrence: Option<&str>,
) -> Result<Contact> {
    let event = resolve(store, uid, occurrence)?;
    store.quick_capture(input, event.as_ref())
}

/// Imports a vCard or CSV file; with an event, records everyone in it as attendee (a cancelled
/// registration excepted). An unknown event is refused before anything is imported.
pub fn import(
    store: &mut Store,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    uid: Option<&str>,
    occurrence: Option<&str>,
) -> Result<ImportReport> {
    let event = resolve(store, uid, occurrence)?;
    exchange::import(store, bytes, mapping, event.as_ref())
}

/// Occurrences overlapping `[from, to)`, of one feed or all, with all-day events placed in the
/// user's zone (setting `timezone`): the first ones, and whether the listing was cut short.
pub fn occurrences(
    store: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    feed: Option<i64>,
) -> Result<OccurrenceList> {
    store.occurrence_list(from, to, feed, store.user_zone())
}

/// The result of a merge: its id (for undo) and the merged contact.
#[derive(Debug, Clone, Serialize)]
pub struct MergeResult {
    /// The merge, for undo.
    pub merge_id: i64,
    /// The contact kept, with what moved into it.
    pub contact: Contact,
}

/// Merges contact `other` into `keep` and returns the result to show.
pub fn merge(store: &mut Store, keep: i64, other: i64) -> Result<MergeResult> {
    let merge_id = store.merge_contacts(keep, other)?;
    Ok(MergeResult {
        merge_id,
        contact: store.contact(keep)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{contact, own_event};

    fn setup() -> (Store, String, i64) {
        let mut s = Store::open_in_memory().unwrap();
        let ev = own_event(&mut s, "OZG-Taskforce");
        let anna = contact(&mut s, "Anna Adler", None);
        (s, ev.uid, anna)
    }

    #[test]
    fn attendance_by_uid() {
        let (mut s, uid, anna) = setup();
        mark(&mut s, &uid, None, None, AttendanceStatus::Attended).unwrap();
        mark(&mut s, &uid, None, Some(anna), AttendanceStatus::Attended).unwrap();
        let v = attendance(&s, &uid, None).unwrap();
        assert_eq!(v.event.uid, uid);
        assert!(v.my_status.is_some());
        assert_eq!(v.rows.len(), 1);
        let json = serde_json::to_value(&v).unwrap();
        assert!(
            json["event"].is_object() && json["rows"].is_array(),
            "{json}"
        );
    }

    #[test]
    fn an_unknown_event_is_refused_before_anything_is_written() {
        let (mut s, _, anna) = setup();
        let before = s.list_contacts(0, 10).unwrap().total;
        let e = attendance(&s, "nope", None).unwrap_err();
        assert_eq!(e.kind(), "not_found");
        let q = QuickCapture {
            name: "Bernd Bauer".into(),
            organization: None,
            email: None,
            note: None,
        };
        assert!(quick_capture(&mut s, &q, Some("nope"), None).is_err());
        assert!(encounter(&mut s, anna, Some("nope"), None, None, None).is_err());
        let csv = "Name;E-Mail\nClara Conrad;clara@kommune.example\n";
        assert!(import(&mut s, csv.as_bytes(), None, Some("nope"), None).is_err());
        assert_eq!(s.list_contacts(0, 10).unwrap().total, before);
    }

    #[test]
    fn capture_encounter_and_import_at_an_event() {
        let (mut s, uid, anna) = setup();
        let q = QuickCapture {
            name: "Bernd Bauer".into(),
            organization: None,
            email: None,
            note: Some("Kaffee".into()),
        };
        let bernd = quick_capture(&mut s, &q, Some(&uid), None).unwrap();
        encounter(&mut s, anna, Some(&uid), None, Some("Workshop 2"), None).unwrap();
        encounter(&mut s, anna, None, None, None, Some("am Telefon")).unwrap();
        let csv = "Name;E-Mail\nClara Conrad;clara@kommune.example\n";
        let r = import(&mut s, csv.as_bytes(), None, Some(&uid), None).unwrap();
        assert_eq!(r.imported, 1, "{r:?}");
        let v = attendance(&s, &uid, None).unwrap();
        assert!(v.rows.len() >= 2, "{:?}", v.rows);
        assert!(
            v.rows.iter().any(|r| r.contact_id == bernd.id),
            "{:?}",
            v.rows
        );
    }

    #[test]
    fn occurrences_in_the_users_zone() {
        let (mut s, uid, _) = setup();
        let day = |d: &str| DateTime::parse_from_rfc3339(d).unwrap().with_timezone(&Utc);
        let (from, to) = (day("2027-03-01T00:00:00Z"), day("2027-04-01T00:00:00Z"));
        let all = occurrences(&s, from, to, None).unwrap().occurrences;
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].uid, uid);
        s.set_setting(crate::settings::TIMEZONE, "America/New_York")
            .unwrap();
        let zone = s.user_zone();
        assert_eq!(
            occurrences(&s, from, to, None).unwrap().occurrences,
            s.occurrences(from, to, None, zone).unwrap()
        );
    }

    #[test]
    fn merge_answers_with_the_kept_contact() {
        let (mut s, _, anna) = setup();
        let other = contact(&mut s, "Anna Adler", None);
        let r = merge(&mut s, anna, other).unwrap();
        assert_eq!(r.contact.id, anna);
        assert!(s.contact(other).is_err());
        s.undo_merge(r.merge_id).unwrap();
        assert!(s.contact(other).is_ok());
        assert_eq!(merge(&mut s, anna, anna).unwrap_err().kind(), "validation");
    }
}
