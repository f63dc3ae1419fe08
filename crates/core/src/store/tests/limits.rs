//! Every value a command stores has a length limit in `rules.rs`, checked in the core, with a
//! clear error (issue 14): setting values, series names and encounter sessions had none.

use crate::model::{ContactInput, OwnEventInput};
use crate::rules::{MAX_SERIES_NAME_CHARS, MAX_SESSION_CHARS, MAX_SETTING_BYTES};
use crate::settings::{INVITE_TEMPLATE, SettingError, check_ui_write};
use crate::store::Store;

fn code(e: crate::Error) -> String {
    match e {
        crate::Error::Validation { code, .. } => code.to_string(),
        other => panic!("not a validation error: {other}"),
    }
}

#[test]
fn settings_series_and_sessions_have_a_length_limit() {
    let mut s = Store::open_in_memory().unwrap();
    let long_setting = "x".repeat(MAX_SETTING_BYTES + 1);
    assert_eq!(
        code(s.set_setting(INVITE_TEMPLATE, &long_setting).unwrap_err()),
        "too_long"
    );
    assert!(matches!(
        check_ui_write(INVITE_TEMPLATE, &long_setting),
        Err(SettingError::Store(crate::Error::Validation {
            code: "too_long",
            ..
        }))
    ));
    s.set_setting(INVITE_TEMPLATE, &"x".repeat(MAX_SETTING_BYTES))
        .unwrap();

    let ev = s
        .create_own_event(&OwnEventInput {
            title: "OZG-Erfahrungsaustausch".into(),
            start: "2027-03-27T09:30".into(),
            end: "2027-03-27T16:00".into(),
            ..Default::default()
        })
        .unwrap();
    let long_name = "S".repeat(MAX_SERIES_NAME_CHARS + 1);
    assert_eq!(
        code(s.confirm_series(&long_name, &[ev.event_id]).unwrap_err()),
        "too_long"
    );
    assert!(s.series().unwrap().is_empty(), "nothing stored");

    let c = s
        .create_contact(
            &ContactInput {
                display_name: Some("Anna Adler".into()),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    let long_session = "W".repeat(MAX_SESSION_CHARS + 1);
    let err = s
        .add_encounter(c.id, Some(&ev), Some(&long_session), None)
        .unwrap_err();
    assert_eq!(code(err), "too_long");
    let ok = s
        .add_encounter(c.id, Some(&ev), Some("Workshop 3:\nRoll-in"), None)
        .unwrap();
    assert_eq!(
        ok.session.as_deref(),
        Some("Workshop 3: Roll-in"),
        "one line"
    );
}
