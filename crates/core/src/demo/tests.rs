//! The demo's promises: only reserved domains, the same data for the same seed and time, and a
//! showcase in which every view has something to show.

use super::feed::{self, FEED_URL, ZONE};
use super::{org_domains, populate, showcase};
use crate::invite::Delivery;
use crate::model::{Contact, TimelineItem};
use crate::store::Store;
use chrono::{DateTime, Duration, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 10, 0, 0).unwrap()
}

fn contacts(s: &Store) -> Vec<Contact> {
    s.contact_ids()
        .unwrap()
        .into_iter()
        .map(|id| s.contact(id).unwrap())
        .collect()
}

/// True for names under a domain RFC 2606 reserves: mail there is never delivered.
fn reserved(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    [".example", ".test", ".invalid", ".localhost"]
        .iter()
        .any(|tld| host.ends_with(tld))
        || ["example.com", "example.net", "example.org"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

fn mail_host(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, d)| d)
}

fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':', '?']).next().unwrap_or(rest)
}

/// Every occurrence, feed and own events alike, from `days` before `now` to `days` after.
fn around(s: &Store, now: DateTime<Utc>, days: i64) -> Vec<crate::model::Occurrence> {
    s.occurrences(
        now - Duration::days(days),
        now + Duration::days(days),
        None,
        ZONE,
    )
    .unwrap()
}

fn showcased(now: DateTime<Utc>, seed: u64) -> (Store, super::Showcase) {
    let mut s = Store::open_in_memory().unwrap();
    let made = showcase(&mut s, now, seed).unwrap();
    (s, made)
}

#[test]
fn organisations_get_recognisable_reserved_domains() {
    let s = Store::open_in_memory().unwrap();
    let orgs = org_domains(&s).unwrap();
    let domains: Vec<&str> = orgs.iter().map(|(_, d)| d.as_str()).collect();
    for want in [
        "auswaertiges-amt.example",
        "stadt-flensburg.example",
        "landkreis-goettingen.example",
        "bundesministerium-des-innern.example",
        "bmjv.example",
        "bmwsb.example",
        "fitko.example",
        "komm-one.example",
        "thueringen.example",
    ] {
        assert!(domains.contains(&want), "{want} missing from {domains:?}");
    }
    let mut unique = domains.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), domains.len(), "one domain per organisation");
    for d in &domains {
        assert!(reserved(d), "{d}");
        assert!(crate::rules::valid_email(&format!("a.b@{d}")), "{d}");
        assert!(d.split('.').all(|label| label.len() <= 63), "{d}");
    }
}

#[test]
fn every_demo_address_and_site_is_under_a_reserved_domain() {
    let (mut s, made) = showcased(now(), 42);
    populate(&mut s, 3_000, 9).unwrap();
    for c in contacts(&s) {
        for e in &c.emails {
            assert!(reserved(mail_host(e)), "{}: {e}", c.name);
        }
        if let Some(w) = &c.website {
            assert!(reserved(url_host(w)), "{}: {w}", c.name);
        }
    }
    let all = around(&s, now(), 800);
    assert!(!all.is_empty());
    for o in &all {
        if let Some(u) = &o.url {
            assert!(reserved(url_host(u)), "{}: {u}", o.title);
        }
        if let Some(org) = &o.organizer {
            let address = org.trim_end_matches('>').rsplit('<').next().unwrap();
            assert!(reserved(mail_host(address)), "{}: {org}", o.title);
        }
    }
    for i in s.invitees(&made.own_event).unwrap() {
        assert!(reserved(mail_host(&i.email)), "{}", i.email);
    }
    assert!(reserved(mail_host(&s.organizer().unwrap().email)));
}

#[test]
fn populate_is_deterministic_and_gives_no_two_people_one_name() {
    let fill = |seed| {
        let mut s = Store::open_in_memory().unwrap();
        populate(&mut s, 200, seed).unwrap();
        s
    };
    let view = |s: &Store| {
        contacts(s)
            .into_iter()
            .map(|c| (c.name, c.emails, c.phones, c.organization, c.tags))
            .collect::<Vec<_>>()
    };
    let (a, b) = (fill(42), fill(42));
    assert_eq!(view(&a), view(&b));
    assert_ne!(view(&a), view(&fill(43)));
    assert_eq!(a.list_contacts(0, 1).unwrap().total, 200);
    assert!(
        a.duplicate_groups().unwrap().is_empty(),
        "only the showcase's planted duplicates should show"
    );
}

/// The end-to-end contacts test starts from `vernetzt demo --count 25` (seed 42), creates
/// "Jördis Weiß" and expects searches for her to find her alone.
#[test]
fn the_first_contacts_leave_room_for_the_end_to_end_test() {
    let mut s = Store::open_in_memory().unwrap();
    populate(&mut s, 25, 42).unwrap();
    for q in ["joerdis", "weiss"] {
        assert!(s.search(q, 10).unwrap().is_empty(), "{q}");
    }
}

#[test]
fn the_demo_feed_reads_cleanly() {
    let events = feed::events(now());
    let read =
        crate::ical::event::read_feed(feed::ics(&events, now()).as_bytes(), ZONE, now()).unwrap();
    assert!(read.complete);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.events.len(), events.len());
    assert_eq!(read.name.as_deref(), Some("OZG-Veranstaltungen"));
    assert!(events.iter().any(|e| e.is_past(now())));
    assert!(events.iter().any(|e| !e.is_past(now())));
}

#[test]
fn the_showcase_fills_every_view() {
    let (s, made) = showcased(now(), 42);
    let today = now().with_timezone(&ZONE).date_naive();

    // Contacts, the own card, the feed.
    assert_eq!(s.list_contacts(0, 1).unwrap().total as usize, made.contacts);
    assert!(made.contacts > 200);
    assert_eq!(s.me().unwrap().unwrap().name, "Kim Sommerfeld");
    let feeds = s.feeds().unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].url, FEED_URL);
    assert_eq!(feeds[0].events as usize, made.events);
    assert_eq!(feeds[0].last_error, None);

    // The events view: a window around now holds past, coming and own events.
    let window = around(&s, now(), 120);
    let start = |o: &crate::model::Occurrence| DateTime::parse_from_rfc3339(&o.start).unwrap();
    assert!(window.iter().any(|o| start(o) < now()), "past events");
    assert!(window.iter().any(|o| start(o) > now()), "coming events");
    assert!(window.iter().any(|o| o.uid == made.own_event), "own event");
    assert!(window.iter().any(|o| o.title.starts_with("Workshop: ")));
    assert!(window.iter().any(|o| o.title.starts_with("Podium: ")));
    assert!(window.iter().any(|o| o.title.starts_with("Jour fixe")));

    // Series and their matrix.
    let series = s.series().unwrap();
    assert_eq!(series.len(), made.series);
    let names: Vec<&str> = series.iter().map(|x| x.name.as_str()).collect();
    assert!(names.contains(&"OZG-Erfahrungsaustausch"), "{names:?}");
    assert!(names.contains(&"OZG-Taskforce"), "{names:?}");
    let erfa = series
        .iter()
        .find(|x| x.name == "OZG-Erfahrungsaustausch")
        .unwrap();
    assert_eq!(erfa.events.len(), 5);
    let m = s.series_matrix(erfa.id).unwrap();
    assert!(m.mine.iter().filter(|x| x.is_some()).count() >= 3);
    assert!(m.mine.iter().any(Option::is_none), "one edition skipped");
    assert!(m.rows.len() >= 20, "{}", m.rows.len());
    assert!(
        m.rows
            .iter()
            .any(|r| r.statuses.iter().filter(|x| x.is_some()).count() >= 3),
        "regulars come to several editions"
    );

    // Attendance at one event, mine and contacts'.
    let (mine, rows) = s.attendance(&erfa.events[3]).unwrap();
    assert_eq!(mine.as_deref(), Some("attended"));
    assert!(rows.len() >= 5);
    let (mine, rows) = s.attendance(&erfa.events[4]).unwrap();
    assert_eq!(mine.as_deref(), Some("registered"));
    assert!(rows.iter().any(|r| r.status == "registered"));

    // Encounters and notes on a contact's timeline.
    assert!(made.encounters >= 6);
    let due = s.follow_ups(false, Some(today)).unwrap();
    assert!(due.len() >= 3, "overdue and due today: {due:?}");
    assert!(
        due.iter().any(|f| f.due_date < today.to_string()),
        "overdue"
    );
    let met = due[0].contact_id;
    let timeline = s.timeline(met).unwrap();
    assert!(
        timeline
            .iter()
            .any(|t| matches!(t, TimelineItem::Encounter { .. })),
        "{timeline:?}"
    );

    // Follow-ups: open later ones, and one done.
    let all = s.follow_ups(true, None).unwrap();
    assert_eq!(all.len(), made.follow_ups);
    assert_eq!(all.iter().filter(|f| f.done_at.is_some()).count(), 1);
    assert!(all.iter().any(|f| f.due_date > today.to_string()));

    // The own event: invited by filter, sent, answered.
    let rsvp = s.rsvp(&made.own_event).unwrap();
    assert_eq!(rsvp.counts.invited, made.invitees);
    assert!(rsvp.counts.invited >= 5, "{:?}", rsvp.counts);
    assert!(rsvp.counts.accepted >= 1);
    assert!(rsvp.counts.declined >= 1);
    assert!(rsvp.counts.tentative >= 1);
    assert!(rsvp.counts.needs_action >= 1);
    assert_eq!(
        rsvp.counts.accepted + rsvp.counts.declined + rsvp.counts.tentative,
        made.answers
    );
    assert!(rsvp.invitees.iter().all(|i| i.delivery == Delivery::Sent));

    // Likely duplicates: the three planted, nothing else.
    let groups = s.duplicate_contacts().unwrap();
    assert_eq!(groups.len(), 3, "{groups:?}");
    assert_eq!(made.duplicate_groups, 3);
    for family in ["Müller", "Schäfer", "Weiß"] {
        assert!(
            groups.iter().any(|g| g.len() == 2
                && g.iter().any(|c| c.family_name.as_deref() == Some(family))),
            "{family}"
        );
    }
}

#[test]
fn the_showcase_is_deterministic_for_a_seed_and_a_time() {
    let view = |now: DateTime<Utc>, seed: u64| {
        let (s, mut made) = showcased(now, seed);
        let uid = std::mem::take(&mut made.own_event);
        let events: Vec<_> = around(&s, now, 800)
            .into_iter()
            .filter(|o| o.uid != uid)
            .map(|o| (o.uid, o.title, o.start, o.end, o.location))
            .collect();
        let matrices: Vec<_> = s
            .series()
            .unwrap()
            .iter()
            .map(|x| {
                let m = s.series_matrix(x.id).unwrap();
                (m.series.name, m.mine, m.rows)
            })
            .collect();
        let follow_ups: Vec<_> = s
            .follow_ups(true, None)
            .unwrap()
            .into_iter()
            .map(|f| (f.contact_name, f.due_date, f.text, f.done_at.is_some()))
            .collect();
        let rsvp: Vec<_> = s
            .rsvp(&uid)
            .unwrap()
            .invitees
            .into_iter()
            .map(|i| (i.name, i.email, i.partstat))
            .collect();
        let people: Vec<_> = contacts(&s)
            .into_iter()
            .map(|c| (c.name, c.emails, c.notes.len()))
            .collect();
        let duplicates = s.duplicate_groups().unwrap();
        format!("{made:?}{events:?}{matrices:?}{follow_ups:?}{rsvp:?}{people:?}{duplicates:?}")
    };
    assert_eq!(view(now(), 42), view(now(), 42));
    assert_ne!(view(now(), 42), view(now(), 7), "the seed matters");
    let summer = Utc.with_ymd_and_hms(2025, 7, 14, 8, 0, 0).unwrap();
    assert_eq!(view(summer, 42), view(summer, 42));
}

#[test]
fn the_showcase_is_made_once() {
    let (mut s, _) = showcased(now(), 42);
    let err = showcase(&mut s, now(), 42).unwrap_err();
    assert!(err.to_string().contains("already holds the demo"), "{err}");
}
