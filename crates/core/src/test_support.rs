//! Small builders the unit tests of the modules over the store share (a contact, an own event),
//! so each test states only what it is about.

use crate::Store;
use crate::model::{ContactInput, EventRef, Labeled, OwnEventInput};

/// A new contact with this name and, if given, this address; returns its id.
pub fn contact(s: &mut Store, name: &str, email: Option<&str>) -> i64 {
    let emails = email.map(Labeled::plain).into_iter().collect();
    s.create_contact(
        &ContactInput {
            display_name: Some(name.into()),
            emails,
            ..Default::default()
        },
        None,
    )
    .unwrap()
    .id
}

/// A new own event titled `title` on 27 March 2027, 9:30 to 16:00.
pub fn own_event(s: &mut Store, title: &str) -> EventRef {
    s.create_own_event(&OwnEventInput {
        title: title.into(),
        start: "2027-03-27T09:30".into(),
        end: "2027-03-27T16:00".into(),
        ..Default::default()
    })
    .unwrap()
}
