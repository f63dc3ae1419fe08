//! Invitations to own events: the list, the outbox and the answers (`invitees.rs`,
//! `outbox.rs`, `replies.rs`).

use crate::ical::itip::Reply;
use crate::invite::RsvpCounts;
use crate::invite::{InviteeFilter, MessageKind};
use crate::model::ContactInput;
use crate::model::OwnEventInput;
use crate::store::{ORGANIZER_EMAIL, ORGANIZER_NAME, Store};
use chrono::{TimeZone, Utc};

fn setup() -> (Store, String, Vec<i64>) {
    let mut s = Store::open_in_memory().unwrap();
    s.set_setting(ORGANIZER_NAME, "FITKO Geschäftsstelle")
        .unwrap();
    s.set_setting(ORGANIZER_EMAIL, "info@fitko.example")
        .unwrap();
    let uid = s
        .create_own_event(&OwnEventInput {
            title: "OZG-Erfahrungsaustausch".into(),
            start: "2027-03-27T09:30".into(),
            end: "2027-03-27T16:00".into(),
            location: Some("Erfurt".into()),
            ..Default::default()
        })
        .unwrap()
        .uid;
    let mut ids = Vec::new();
    for (name, email, tag) in [
        ("Anna Adler", Some("anna@land.example"), "taskforce"),
        ("Bernd Bauer", None, "taskforce"),
        ("Clara Conrad", Some("Clara@Kommune.example"), "taskforce"),
        ("Dora Dietz", Some("dora@bund.example"), "other"),
    ] {
        let c = s
            .create_contact(
                &ContactInput {
                    display_name: Some(name.into()),
                    emails: email
                        .map(|e| {
                            vec![crate::model::Labeled {
                                value: e.to_string(),
                                label: None,
                            }]
                        })
                        .unwrap_or_default(),
                    tags: vec![tag.into()],
                    ..Default::default()
                },
                None,
            )
            .unwrap();
        ids.push(c.id);
    }
    (s, uid, ids)
}

#[test]
fn filter_preview_and_list() {
    let (mut s, uid, ids) = setup();
    let mut f = InviteeFilter::default();
    f.add("tag=TASKFORCE").unwrap();
    let p = s.invite_preview(&uid, &[], &f).unwrap();
    assert_eq!(p.ready.len(), 2);
    assert_eq!(p.without_email[0].name, "Bernd Bauer");
    assert!(
        s.invite_preview(&uid, &[], &InviteeFilter::default())
            .unwrap()
            .ready
            .is_empty(),
        "an empty filter selects nobody"
    );
    s.add_invitees(&uid, &[ids[3]], &f).unwrap();
    let again = s.invite_preview(&uid, &[], &f).unwrap();
    assert_eq!((again.ready.len(), again.already_invited.len()), (0, 2));
    let list = s.invitees(&uid).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[1].email, "clara@kommune.example", "stored lower case");
    assert_eq!(RsvpCounts::of(&list).needs_action, 3);
}

#[test]
fn two_sends_at_once_claim_each_message_once() {
    // The app and the CLI plan the same event's outbox at the same moment: both plans list
    // every message, but each message is claimed by one of them only.
    let (mut s, uid, ids) = setup();
    s.add_invitees(&uid, &[ids[0], ids[2]], &InviteeFilter::default())
        .unwrap();
    let a = s.plan_outbox(&uid, false).unwrap();
    let b = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(a.to_send.len(), 2);
    assert_eq!(b.to_send.len(), 2);
    assert!(s.outbox_sending(a.to_send[0].id).unwrap());
    assert!(!s.outbox_sending(b.to_send[0].id).unwrap(), "claimed twice");
    s.outbox_done(a.to_send[0].id, None).unwrap();
    assert!(
        !s.outbox_sending(b.to_send[0].id).unwrap(),
        "sent, then claimed again"
    );
    assert!(s.outbox_sending(b.to_send[1].id).unwrap());
    s.outbox_done(b.to_send[1].id, Some("451 try later"))
        .unwrap();
    // A failed message is claimed again by the next run, once.
    assert!(s.outbox_sending(a.to_send[1].id).unwrap());
    assert!(!s.outbox_sending(a.to_send[1].id).unwrap());
    // An uncertain one (the run was killed while sending) goes out again only when asked.
    assert!(s.plan_outbox(&uid, false).unwrap().to_send.is_empty());
    let again = s.plan_outbox(&uid, true).unwrap();
    assert_eq!(again.to_send.len(), 1);
    assert!(again.uncertain.is_empty());
    assert!(s.outbox_sending(again.to_send[0].id).unwrap());
}

#[test]
fn outbox_resumes_updates_and_cancels() {
    let (mut s, uid, ids) = setup();
    s.add_invitees(&uid, &[ids[0], ids[2], ids[3]], &InviteeFilter::default())
        .unwrap();
    let p = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(p.to_send.len(), 3);
    // First sent; second was being sent when the run was killed.
    s.outbox_sending(p.to_send[0].id).unwrap();
    s.outbox_done(p.to_send[0].id, None).unwrap();
    s.outbox_sending(p.to_send[1].id).unwrap();
    let p2 = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(p2.to_send.len(), 1, "only the one never tried");
    assert_eq!(p2.uncertain.len(), 1);
    assert_eq!(p2.to_send[0].message_id, p.to_send[2].message_id);
    s.outbox_sending(p2.to_send[0].id).unwrap();
    s.outbox_done(p2.to_send[0].id, None).unwrap();
    s.outbox_done(p.to_send[1].id, None).unwrap();
    assert!(s.plan_outbox(&uid, false).unwrap().to_send.is_empty());
    // A new place: everyone gets the update with SEQUENCE 1.
    let (mut input, _) = s.own_event(&uid).unwrap();
    input.location = Some("Weimar".into());
    s.update_own_event(&uid, &input).unwrap();
    let p3 = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(p3.to_send.len(), 3);
    assert!(p3.to_send.iter().all(|i| i.sequence == 1));
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
    let eml = String::from_utf8(s.outbox_message(&uid, &p3.to_send[0], now).unwrap()).unwrap();
    assert!(
        eml.contains("SEQUENCE:1") && eml.contains("Weimar"),
        "{eml}"
    );
    assert!(eml.contains(&p3.to_send[0].message_id));
    for i in &p3.to_send {
        s.outbox_sending(i.id).unwrap();
        s.outbox_done(i.id, None).unwrap();
    }
    // Dora taken off the list: she alone gets a CANCEL.
    let removed = s.remove_invitees(&uid, &[ids[3]], &[]).unwrap();
    assert_eq!(removed[0].email, "dora@bund.example");
    let p4 = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(p4.to_send.len(), 1);
    assert_eq!(
        (p4.to_send[0].kind, p4.to_send[0].email.as_str()),
        (MessageKind::Cancel, "dora@bund.example")
    );
    s.outbox_done(p4.to_send[0].id, None).unwrap();
    // The event cancelled: the two left get a CANCEL, Dora nothing more.
    assert_eq!(s.cancel_own_event(&uid).unwrap(), 2);
    let p5 = s.plan_outbox(&uid, false).unwrap();
    assert_eq!(p5.to_send.len(), 2);
    assert!(p5.to_send.iter().all(|i| i.kind == MessageKind::Cancel));
    let files = s.export_invitations(&uid, now).unwrap();
    assert_eq!(files[0].name, "absage.ics");
    assert!(String::from_utf8_lossy(&files[0].bytes).contains("STATUS:CANCELLED"));
}

#[test]
fn replies_set_answers() {
    let (mut s, uid, ids) = setup();
    s.add_invitees(&uid, &[ids[0], ids[2]], &InviteeFilter::default())
        .unwrap();
    let reply = |email: &str, ps: &str, at: &str| Reply {
        uid: uid.clone(),
        email: email.into(),
        partstat: ps.into(),
        sequence: 0,
        answered_at: Some(at.into()),
    };
    let r = s
        .apply_replies(&[
            reply("anna@land.example", "accepted", "2026-11-23T10:00:00Z"),
            reply("clara@kommune.example", "tentative", "2026-11-23T10:00:00Z"),
            reply("clara@kommune.example", "declined", "2026-11-24T10:00:00Z"),
            reply("anna@land.example", "declined", "2026-11-22T10:00:00Z"),
            reply("stranger@x.example", "accepted", "2026-11-23T10:00:00Z"),
        ])
        .unwrap();
    assert_eq!((r.applied, r.stale), (3, 1));
    assert_eq!(r.unknown_attendee, vec!["stranger@x.example".to_string()]);
    let c = RsvpCounts::of(&s.invitees(&uid).unwrap());
    assert_eq!((c.accepted, c.declined, c.needs_action), (1, 1, 0));
    let csv = crate::invite::rsvp_csv(&s.invitees(&uid).unwrap());
    assert!(csv.starts_with('\u{feff}') && csv.contains("Zugesagt") && csv.contains("Abgesagt"));
}

#[test]
fn organizer_is_required() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(
        s.organizer().unwrap_err().validation_detail(),
        Some(("organizer_missing", "organizer_email"))
    );
    s.set_setting(ORGANIZER_EMAIL, "no address").unwrap();
    assert!(s.organizer().is_err());
}
