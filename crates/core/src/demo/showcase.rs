//! The showcase: a demo database in which every view has something to show.
//!
//! On top of [`super::populate`]'s contacts it adds what a newcomer must see to understand what
//! Vernetzt is for: the user's own card, the events of a local feed (see [`super::feed`]),
//! the series suggested from their titles and stored, the user's and the contacts' attendance
//! across the series, encounters with notes, follow-ups (overdue, due, later, one done), an own
//! event with invitees picked by a filter, recorded as sent, and their answers read from an iTIP
//! REPLY as real ones are, and a few likely duplicates. Everything goes through the public store
//! API the app and the CLI use, so the demo also shows those paths working.

use super::feed::{self, DemoEvent, FEED_URL, Kind, ZONE};
use super::{DEMO_TLD, mix, org_domains, populate};
use crate::error::{Error, Result};
use crate::ical::write::push_line;
use crate::invite::InviteeFilter;
use crate::model::{AttendanceStatus, ContactInput, EventRef, FeedAuth, Labeled, OwnEventInput};
use crate::store::Store;
use chrono::{DateTime, Duration, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// How many contacts the showcase makes.
pub const CONTACTS: u64 = 200;

/// What [`showcase`] put into the store, for the message the app or the CLI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Showcase {
    /// Contacts made, the user's own and the duplicates included.
    pub contacts: usize,
    /// The demo feed's id.
    pub feed_id: i64,
    /// Events in the feed.
    pub events: usize,
    /// Series stored from the suggestions.
    pub series: usize,
    /// Attendance marks, the user's and the contacts'.
    pub attendance: usize,
    /// Encounters ("met at").
    pub encounters: usize,
    /// Follow-ups, the done one included.
    pub follow_ups: usize,
    /// UID of the own event with invitations.
    pub own_event: String,
    /// People invited to it.
    pub invitees: usize,
    /// Answers recorded.
    pub answers: usize,
    /// Groups of likely duplicates the duplicate view lists.
    pub duplicate_groups: usize,
}

/// Where the user met someone: the event, the session, what was said.
const ENCOUNTERS: [(Kind, Option<&str>, &str); 8] = [
    (
        Kind::Session(0),
        None,
        "Will Unterlagen zur vergaberechtsfreien Nachnutzung; das Land plant drei EfA-Leistungen.",
    ),
    (
        Kind::Session(1),
        Some("Gruppenarbeit Fachverfahren"),
        "Pilotkommune für FIT-Connect; sucht Erfahrungen mit der Anbindung des Fachverfahrens.",
    ),
    (
        Kind::Edition(3),
        Some("Get-Together"),
        "Kennt die Themenfeldführung Familie & Kind gut; bietet ein Gespräch zum Elterngeld an.",
    ),
    (
        Kind::Edition(2),
        Some("Kaffeepause"),
        "Changemanagement in Kommunen: Support-Strukturen nach dem Go-live fehlen oft.",
    ),
    (
        Kind::Edition(3),
        Some("Vortrag Registermodernisierung"),
        "Interesse am Austausch zur Registermodernisierung und zu Once-Only.",
    ),
    (
        Kind::Taskforce,
        Some("Arbeitsgruppe eID"),
        "Hat Formulare ohne Ausdruck im Einsatz; teilt gern die Vorlage.",
    ),
    (
        Kind::Labor,
        Some("Breakout-Raum 2"),
        "Nutzertests mit Eltern organisiert; Ergebnisse kommen per Mail.",
    ),
    (
        Kind::Edition(0),
        None,
        "Erstes Treffen; arbeitet am OZG-Hub mit.",
    ),
];

/// Follow-ups: days from today, text; the last one is marked done.
const FOLLOW_UPS: [(i64, &str); 6] = [
    (
        -9,
        "Unterlagen zum Roll-in schicken (beim Workshop versprochen)",
    ),
    (-2, "Rückruf wegen Pilotkommune FIT-Connect"),
    (0, "Termin für Austausch zum Elterngeld vorschlagen"),
    (4, "Präsentation aus dem Podium anfragen"),
    (12, "Zum nächsten Präsenztreffen der OZG-Taskforce einladen"),
    (-20, "Kontaktdaten an die Themenfeldführung weitergeben"),
];

/// Answers to the own event's invitation, by invitee in name order (`None`: no answer yet).
const ANSWERS: [Option<&str>; 7] = [
    Some("ACCEPTED"),
    Some("ACCEPTED"),
    Some("TENTATIVE"),
    None,
    Some("DECLINED"),
    Some("ACCEPTED"),
    None,
];

/// An event with attendance: how to address it, what it is, the contacts marked.
type Marked<'a> = (EventRef, &'a DemoEvent, Vec<i64>);

/// `n` contacts of `pool` chosen by the seed (and `salt`), without repeats, in pool order.
fn choose(pool: &[i64], n: usize, seed: u64, salt: u64) -> Vec<i64> {
    let mut ranked: Vec<(u64, usize)> = (0..pool.len())
        .map(|k| (mix(seed, k as u64, salt), k))
        .collect();
    ranked.sort_unstable();
    let mut picked: Vec<usize> = ranked.into_iter().take(n).map(|(_, k)| k).collect();
    picked.sort_unstable();
    picked.into_iter().map(|k| pool[k]).collect()
}

fn labeled(value: String) -> Vec<Labeled> {
    vec![Labeled {
        value,
        label: Some("dienstlich".into()),
    }]
}

/// Fills `store` (meant to be empty) with the showcase, deterministic for `seed` and `now`:
/// [`CONTACTS`] contacts and everything listed in the module documentation. Events lie before
/// and after `now`; follow-ups are due around its date. Refuses a store that already holds it.
pub fn showcase(store: &mut Store, now: DateTime<Utc>, seed: u64) -> Result<Showcase> {
    if store.feed_by_url(FEED_URL)?.is_some() {
        return Err(Error::invalid(
            "demo_exists",
            "demo",
            "this database already holds the demo",
        ));
    }
    let before = store.contact_ids()?;
    populate(store, CONTACTS, seed)?;
    let people: Vec<i64> = store
        .contact_ids()?
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    let orgs = org_domains(store)?;
    let org = |base: &str| {
        let want = format!("{base}.{DEMO_TLD}");
        orgs.iter()
            .find(|(_, d)| *d == want)
            .unwrap_or(&orgs[0])
            .clone()
    };
    let (hessen, hessen_domain) = org("hessen");
    let me = store.create_contact(
        &ContactInput {
            given_name: Some("Kim".into()),
            family_name: Some("Sommerfeld".into()),
            role: Some("OZG-Koordination".into()),
            organization_id: Some(hessen),
            emails: labeled(format!("kim.sommerfeld@{hessen_domain}")),
            website: Some(format!("https://www.{hessen_domain}/")),
            ..ContactInput::default()
        },
        None,
    )?;
    // An own card chosen before stays; the invitations then go out in its name.
    if store.me()?.is_none() {
        store.set_me(Some(me.id))?;
    }

    let events = feed::events(now);
    let feed_id = import_feed(store, &events, now)?;
    let mut series = 0;
    for s in store.series_suggestions()? {
        store.confirm_series(&s.name, &s.event_ids)?;
        series += 1;
    }
    let (met, mine) = attend(store, &events, &people, now, seed)?;
    let attendance = met.iter().map(|(_, _, ids)| ids.len()).sum::<usize>() + mine;

    let mut seen = Vec::new();
    for (k, (kind, session, note)) in ENCOUNTERS.iter().enumerate() {
        let Some((ev, _, ids)) = met.iter().find(|(_, e, _)| e.kind == *kind) else {
            continue;
        };
        let Some(&contact) = ids
            .iter()
            .cycle()
            .skip(mix(seed, k as u64, 40) as usize % ids.len().max(1))
            .take(ids.len())
            .find(|id| !seen.contains(*id))
        else {
            continue;
        };
        store.add_encounter(contact, Some(ev), *session, Some(note))?;
        seen.push(contact);
    }
    for (contact, note) in seen.iter().zip([
        "Bevorzugt Telefon; dienstags und donnerstags gut erreichbar.",
        "Vertritt das Land auch in der AG Nachnutzung.",
    ]) {
        store.add_note(*contact, note)?;
    }
    let today = now.with_timezone(&ZONE).date_naive();
    let mut follow_ups = 0;
    for (k, (days, text)) in FOLLOW_UPS.iter().enumerate() {
        let contact = seen.get(k).copied().unwrap_or(people[k]);
        let f = store.add_follow_up(contact, today + Duration::days(*days), text)?;
        if k + 1 == FOLLOW_UPS.len() {
            store.complete_follow_up(f.id)?;
        }
        follow_ups += 1;
    }

    let (own_event, invitees, answers) = invitations(store, &seen, now)?;
    let duplicates = plant_duplicates(store, &org)?;
    Ok(Showcase {
        contacts: people.len() + 1 + duplicates,
        feed_id,
        events: events.len(),
        series,
        attendance,
        encounters: seen.len(),
        follow_ups,
        own_event,
        invitees,
        answers,
        duplicate_groups: store.duplicate_groups()?.len(),
    })
}

/// Writes the events as `.ics` and stores them as `vernetzt feed import` does: subscribe,
/// read, apply in one transaction.
fn import_feed(store: &mut Store, events: &[DemoEvent], now: DateTime<Utc>) -> Result<i64> {
    let text = feed::ics(events, now);
    let f = store.add_feed(FEED_URL, "OZG-Veranstaltungen", &FeedAuth::None)?;
    let read = crate::ical::event::read_feed(text.as_bytes(), ZONE, now)
        .map_err(|e| Error::Import(e.to_string()))?;
    store.apply_feed(f.id, &read, None, None)?;
    Ok(f.id)
}

/// Marks the user's and the contacts' attendance: a circle of regulars who come to most
/// editions (so the series matrix has rows with several marks) plus people who come once.
/// Returns, per event with attendance, the event and the contacts marked; and how many marks
/// are the user's own.
fn attend<'a>(
    store: &mut Store,
    events: &'a [DemoEvent],
    people: &[i64],
    now: DateTime<Utc>,
    seed: u64,
) -> Result<(Vec<Marked<'a>>, usize)> {
    use AttendanceStatus::{Attended, Interested, Registered};
    let regulars = choose(people, 40, seed, 20);
    let mut out = Vec::new();
    let mut own = 0;
    for (k, e) in events.iter().enumerate() {
        let k = k as u64;
        let past = e.is_past(now);
        let (mine, ids) = match e.kind {
            Kind::JourFixe => continue,
            Kind::Edition(n) => {
                let mut ids: Vec<i64> = regulars
                    .iter()
                    .copied()
                    .filter(|r| mix(seed, *r as u64, 30 + k) % 10 < 6)
                    .collect();
                ids.extend(choose(people, 8, seed, 50 + k));
                ids.sort_unstable();
                ids.dedup();
                // The user skipped the second edition.
                let mine = match (n, past) {
                    (1, _) => None,
                    (_, true) => Some(Attended),
                    (_, false) => Some(Registered),
                };
                (mine, ids)
            }
            Kind::Session(_) => {
                let mine = if past {
                    Some(Attended)
                } else {
                    Some(Interested)
                };
                (mine, choose(&regulars, 6, seed, 60 + k))
            }
            Kind::Taskforce => (
                Some(if past { Attended } else { Registered }),
                choose(people, 12, seed, 70 + k),
            ),
            Kind::Labor => (Some(Attended), choose(people, 8, seed, 80 + k)),
        };
        let ev = store.event_ref(&e.uid, None)?;
        if let Some(status) = mine {
            store.mark_attendance(&ev, None, status)?;
            own += 1;
        }
        for (j, id) in ids.iter().enumerate() {
            let status = match (past, j % 3) {
                (true, _) => Attended,
                (false, 0) => Interested,
                (false, _) => Registered,
            };
            store.mark_attendance(&ev, Some(*id), status)?;
        }
        out.push((ev, e, ids));
    }
    Ok((out, own))
}

/// The user's own event: invitees picked by a tag filter plus the people met, the invitations
/// recorded as sent (the demo sends nothing), and answers stored from an iTIP REPLY. Returns
/// the event's UID, how many were invited and how many answered.
fn invitations(
    store: &mut Store,
    met: &[i64],
    now: DateTime<Utc>,
) -> Result<(String, usize, usize)> {
    let d = feed::day(now.with_timezone(&ZONE).date_naive(), 6, Weekday::Tue);
    let ev = store.create_own_event(&OwnEventInput {
        title: "Vernetzungstreffen Kommunalpakt: Roll-in gemeinsam planen".into(),
        start: feed::at(d, 10, 0).format("%Y-%m-%dT%H:%M").to_string(),
        end: feed::at(d, 15, 30).format("%Y-%m-%dT%H:%M").to_string(),
        tz: Some(ZONE.name().into()),
        location: Some("Kassel, Tagungszentrum (Raum wird noch bekannt gegeben)".into()),
        description: Some(
            "Wir laden die OZG-Koordinierenden der Kommunen ein, den Roll-in der nächsten \
             EfA-Leistungen gemeinsam zu planen: Zeitplan, Anbindung der Fachverfahren, \
             Unterstützung durch das Land. Bitte sagen Sie bis eine Woche vorher zu."
                .into(),
        ),
        url: None,
    })?;
    let mut filter = InviteeFilter::default();
    filter.add("tag=Kommunalpakt")?;
    store.add_invitees(&ev.uid, &met[..met.len().min(2)], &filter)?;
    let plan = store.plan_outbox(&ev.uid, false)?;
    for item in &plan.to_send {
        store.outbox_sending(item.id)?;
        store.outbox_done(item.id, None)?;
    }
    let invitees = store.invitees(&ev.uid)?;
    let mut reply = String::new();
    push_line(&mut reply, "BEGIN:VCALENDAR");
    push_line(&mut reply, "VERSION:2.0");
    push_line(&mut reply, "METHOD:REPLY");
    let mut answers = 0;
    for (k, (inv, answer)) in invitees.iter().zip(ANSWERS.iter().cycle()).enumerate() {
        let Some(partstat) = answer else { continue };
        let stamp = now - Duration::hours(3 * (k as i64 + 1));
        for line in [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", ev.uid),
            format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")),
            "SEQUENCE:0".to_string(),
            format!("ATTENDEE;PARTSTAT={partstat}:mailto:{}", inv.email),
            "END:VEVENT".to_string(),
        ] {
            push_line(&mut reply, &line);
        }
        answers += 1;
    }
    push_line(&mut reply, "END:VCALENDAR");
    store.import_reply(reply.as_bytes())?;
    Ok((ev.uid, invitees.len(), answers))
}

/// Likely duplicates as they arise in practice: one person typed twice (`Müller`/`Mueller`,
/// one address), one found by the phone number alone, one who changed employer. Returns how
/// many contacts were added.
fn plant_duplicates(store: &mut Store, org: &dyn Fn(&str) -> (i64, String)) -> Result<usize> {
    let (thueringen, th) = org("thueringen");
    let (kassel, ks) = org("stadt-kassel");
    let (goettingen, gt) = org("landkreis-goettingen");
    let (niedersachsen, nds) = org("niedersachsen");
    let person = |given: &str, family: &str, role: &str, org: i64, email: String| ContactInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        role: Some(role.into()),
        organization_id: Some(org),
        emails: labeled(email),
        ..ContactInput::default()
    };
    let phone = |v: &str| vec![Labeled::plain(v)];
    let batch = [
        ContactInput {
            themenfelder: vec!["familie-kind".into()],
            tags: vec!["Digitalisierungslabor".into()],
            ..person(
                "Henrike",
                "Müller",
                "Themenfeldführung",
                thueringen,
                format!("henrike.mueller@{th}"),
            )
        },
        person(
            "Henrike",
            "Mueller",
            "OZG-Koordination",
            thueringen,
            format!("Henrike.Mueller@{th}"),
        ),
        ContactInput {
            phones: phone("+49 561 787 2210"),
            ..person(
                "Hans-Jürgen",
                "Schäfer",
                "Leitung Bürgerservice",
                kassel,
                format!("hans-juergen.schaefer@{ks}"),
            )
        },
        ContactInput {
            phones: phone("0561 7872210"),
            ..person(
                "H.-J.",
                "Schäfer",
                "Bürgerservice",
                kassel,
                format!("buergerservice@{ks}"),
            )
        },
        person(
            "Friederike",
            "Weiß",
            "Digitalisierungsbeauftragte",
            goettingen,
            format!("friederike.weiss@{gt}"),
        ),
        person(
            "Friederike",
            "Weiss",
            "Referentin",
            niedersachsen,
            format!("friederike.weiss@{nds}"),
        ),
    ];
    let batch: Vec<(ContactInput, Option<String>)> = batch.into_iter().map(|c| (c, None)).collect();
    store.create_contacts(&batch)?;
    Ok(batch.len())
}
