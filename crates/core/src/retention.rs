//! Deleted contacts are kept for a while, so that a delete or a merge can be undone, and then
//! erased for good: a tombstone still holds every note and address of the person, and GDPR
//! Art. 5(1)(e) asks that personal data is not kept longer than needed.
//!
//! Erasing goes through the one GDPR erase ([`crate::export::erase_people`]), so the notes,
//! attendance, encounters, follow-ups and the card on the sync server go too. This module sits
//! above the store for that reason (the store cannot call `export`). The time is passed in: the
//! app and the CLI purge when they open the store, with the system's time.

use crate::error::Result;
use crate::settings::purge_cutoff;
use crate::{Error, Store, export};
use chrono::{DateTime, Utc};

/// Erases one deleted (or merged-away) contact for good. A live contact is refused
/// (`NotFound`): the recently deleted list must not reach one (the GDPR erase of a live contact
/// is `privacy erase`). What a merge gave to the kept contact stays with it
/// ([`Store::release_merged`]).
pub fn erase_deleted(store: &mut Store, id: i64) -> Result<()> {
    store.check_deleted(id)?;
    store.release_merged(id)?;
    export::erase_people(store, &[id])
}

/// Erases every contact deleted more than `days` days before `now`, oldest first; returns the
/// ids erased. A contact erased meanwhile by another process (the app and the CLI share the
/// file) is skipped, not an error. `days` outside 1 to 3650 is refused.
pub fn purge(store: &mut Store, days: u32, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let days = crate::settings::check_keep_days(days)?;
    let mut erased = Vec::new();
    for id in store.deleted_before(purge_cutoff(now, days))? {
        match erase_deleted(store, id) {
            Ok(()) => erased.push(id),
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(erased)
}

/// [`purge`] with the period the user set (default 30 days): what the app and the CLI run when
/// they open the store.
pub fn purge_due(store: &mut Store, now: DateTime<Utc>) -> Result<Vec<i64>> {
    let days = store.deleted_keep_days()?;
    purge(store, days, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::invite::InviteeFilter;
    use crate::model::ContactInput;
    use crate::test_support::{contact, own_event};
    use chrono::TimeZone;
    use std::sync::Arc;

    fn day(d: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap() + chrono::Duration::days(d)
    }

    fn store() -> (Store, Arc<FixedClock>) {
        let mut s = Store::open_in_memory().unwrap();
        let clock = Arc::new(FixedClock::at(day(0)));
        s.set_clock(clock.clone());
        (s, clock)
    }

    fn with_note(s: &mut Store, name: &str, note: &str) -> i64 {
        let input = ContactInput {
            display_name: Some(name.into()),
            ..Default::default()
        };
        s.create_contact(&input, Some(note)).unwrap().id
    }

    #[test]
    fn purge_erases_what_was_deleted_longer_ago_than_the_period() {
        let (mut s, clock) = store();
        let old = with_note(&mut s, "Olga Quendelalt", "Xylophon-Projekt");
        let new = with_note(&mut s, "Nina Neu", "Marimba-Projekt");
        let live = contact(&mut s, "Lena Lebendig", None);
        s.delete_contact(old).unwrap();
        clock.set(day(20));
        s.delete_contact(new).unwrap();

        // 29 days after the first delete: nothing is old enough for the default 30 days.
        assert_eq!(purge_due(&mut s, day(29)).unwrap(), Vec::<i64>::new());
        assert_eq!(s.deleted_contacts().unwrap().len(), 2);
        // 31 days after: the first goes for good, notes and search entries with it.
        assert_eq!(purge_due(&mut s, day(31)).unwrap(), [old]);
        assert!(s.contact_any(old).is_err());
        assert!(s.search("Xylophon", 10).unwrap().is_empty());
        assert_eq!(s.deleted_contacts().unwrap()[0].id, new);
        // A shorter period the user set: the second (deleted 11 days before) goes too.
        s.set_deleted_keep_days(10).unwrap();
        assert_eq!(purge_due(&mut s, day(31)).unwrap(), [new]);
        assert!(s.deleted_contacts().unwrap().is_empty());
        assert!(s.contact(live).is_ok(), "live contacts are never purged");
        assert_eq!(purge(&mut s, 1, day(400)).unwrap(), Vec::<i64>::new());
    }

    #[test]
    fn purge_takes_an_explicit_period_within_bounds() {
        let (mut s, _) = store();
        let a = contact(&mut s, "Anna Adler", None);
        s.delete_contact(a).unwrap();
        for bad in [0, 3651] {
            assert!(matches!(
                purge(&mut s, bad, day(5000)),
                Err(Error::Validation { .. })
            ));
        }
        assert_eq!(purge(&mut s, 5, day(5)).unwrap(), Vec::<i64>::new());
        assert_eq!(purge(&mut s, 5, day(6)).unwrap(), [a]);
    }

    #[test]
    fn erasing_from_the_deleted_list_reaches_only_deleted_contacts() {
        let (mut s, _) = store();
        let gone = with_note(&mut s, "Zacharias Quendel", "Geheimprojekt Xylophon");
        let live = contact(&mut s, "Anna Adler", None);
        let e = erase_deleted(&mut s, live).unwrap_err();
        assert!(matches!(e, Error::NotFound { .. }), "{e}");
        assert!(s.contact(live).is_ok());
        s.delete_contact(gone).unwrap();
        erase_deleted(&mut s, gone).unwrap();
        assert!(s.contact_any(gone).is_err());
        assert!(s.search("Xylophon", 10).unwrap().is_empty());
        assert!(s.deleted_contacts().unwrap().is_empty());
        assert!(matches!(
            erase_deleted(&mut s, gone),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn erasing_a_merged_away_contact_leaves_the_kept_one_whole() {
        let (mut s, _) = store();
        s.set_setting(crate::settings::ORGANIZER_EMAIL, "orga@fitko.example")
            .unwrap();
        let kept = contact(&mut s, "Bernd Bauer", Some("bernd@land.example"));
        let twin = contact(&mut s, "B. Bauer", Some("b.bauer@amt.example"));
        let ev = own_event(&mut s, "OZG-Erfahrungsaustausch");
        s.add_invitees(&ev.uid, &[twin], &InviteeFilter::default())
            .unwrap();
        s.merge_contacts(kept, twin).unwrap();

        erase_deleted(&mut s, twin).unwrap();
        assert!(s.contact_any(twin).is_err());
        let k = s.contact(kept).unwrap();
        assert!(
            k.emails.contains(&"b.bauer@amt.example".to_string()),
            "{k:?}"
        );
        let invitees = s.invitees(&ev.uid).unwrap();
        assert_eq!(
            invitees.len(),
            1,
            "the invitation stays with the kept contact"
        );
        assert_eq!(invitees[0].contact_id, Some(kept));
    }
}
