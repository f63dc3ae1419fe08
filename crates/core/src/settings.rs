//! Typed settings: every key the app and the CLI keep in the `settings` table, its default, which
//! keys the UI may read and write, and the checks a written value must pass.
//!
//! The table itself is a plain key–value store (`Store::setting`, `Store::set_setting`); the key
//! names used to be spelt out wherever a value was needed, so a typo or a missing check in one
//! place went unnoticed. Here each key is written once, and the rules for the web view (a
//! whitelist, because the UI must not be able to overwrite the sync's or the directory's own
//! bookkeeping) sit beside them, with tests.

use crate::Error;
use chrono_tz::Tz;

/// The UI's language (`de` or `en`); the UI falls back to German when unset.
pub const LANGUAGE: &str = "language";
/// The user's IANA time zone for all-day events and "today"; see `Store::user_zone`.
pub const TIMEZONE: &str = "timezone";
/// The organiser's name on invitations.
pub const ORGANIZER_NAME: &str = "organizer_name";
/// The organiser's address on invitations (also where replies go).
pub const ORGANIZER_EMAIL: &str = "organizer_email";
/// The user's own subject line for invitations; empty means the built-in German one.
pub const INVITE_SUBJECT: &str = "invite_subject";
/// The user's own invitation text; empty means the built-in German template.
pub const INVITE_TEMPLATE: &str = "invite_template";
/// The SMTP server as `smtp://` or `smtps://` address; the password is in the keyring.
pub const SMTP_URL: &str = "smtp_url";
/// The SMTP login name; empty or unset means no login.
pub const SMTP_USER: &str = "smtp_user";
/// How many invitation mails go out per minute at most (servers throttle bulk senders).
pub const SMTP_PER_MINUTE: &str = "smtp_per_minute";
/// The id of the contact that is the user (own card, "me" in attendance). Written by the store.
pub const ME_CONTACT_ID: &str = "me_contact_id";
/// The version of the built-in directory last loaded. Written by the store on open.
pub const DIRECTORY_VERSION: &str = "directory_version";
/// How many days a deleted (or merged-away) contact is kept, so that it can be restored, before
/// it is erased for good: a tombstone still holds every note and address of the person.
pub const DELETED_KEEP_DAYS: &str = "deleted_keep_days";

/// The days a deleted contact is kept when the user has not chosen: long enough to notice a
/// mistake after a holiday, short enough that deleted people do not linger (GDPR Art. 5(1)(e)).
pub const DEFAULT_DELETED_KEEP_DAYS: u32 = 30;
/// The days the user may choose: at least one (0 would erase a contact the moment it is deleted,
/// taking the undo away), at most ten years.
pub const DELETED_KEEP_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=3650;

/// The zone used when none is set or the stored one is not a zone: the users work in Germany.
pub const DEFAULT_ZONE: Tz = Tz::Europe__Berlin;

/// The settings the UI may read and write; every other key is refused, so the web view cannot
/// change what the store and the sync keep for themselves (the "me" contact, the directory
/// version, the sync's account and state).
pub const UI_KEYS: &[&str] = &[
    LANGUAGE,
    TIMEZONE,
    ORGANIZER_NAME,
    ORGANIZER_EMAIL,
    INVITE_SUBJECT,
    INVITE_TEMPLATE,
    SMTP_URL,
    SMTP_USER,
    SMTP_PER_MINUTE,
    DELETED_KEEP_DAYS,
    crate::accessibility::BODY_NAME,
    crate::accessibility::CONTACT_EMAIL,
    crate::accessibility::ARBITRATION_NAME,
    crate::accessibility::ARBITRATION_URL,
];

/// Why the UI may not read or write a setting. Kept apart from [`Error`] because the shell
/// reports these as its own (`internal`) errors: they mean a bug in the UI, not bad user input.
#[derive(Debug, thiserror::Error)]
pub enum SettingError {
    /// The key is not one the UI may touch.
    #[error("unknown setting '{0}'")]
    Unknown(String),
    /// `timezone` was given something that is not an IANA zone name.
    #[error("'{0}' is not an IANA time zone")]
    NotAZone(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] Error),
}

/// Whether the UI may read and write `key`.
pub fn ui_may_use(key: &str) -> bool {
    UI_KEYS.contains(&key)
}

/// Checks a value the UI wants to write, without writing it.
pub fn check_ui_write(key: &str, value: &str) -> Result<(), SettingError> {
    if !ui_may_use(key) {
        return Err(SettingError::Unknown(key.to_string()));
    }
    if value.len() > crate::rules::MAX_SETTING_BYTES {
        // The user's input (a pasted template), not a bug of the UI: a validation error the
        // form shows at the field.
        return Err(SettingError::Store(Error::invalid(
            "too_long",
            "value",
            format!(
                "the value is too long ({} bytes; at most {})",
                value.len(),
                crate::rules::MAX_SETTING_BYTES
            ),
        )));
    }
    if key == TIMEZONE && value.parse::<Tz>().is_err() {
        return Err(SettingError::NotAZone(value.to_string()));
    }
    if key == DELETED_KEEP_DAYS {
        parse_keep_days(value)?;
    }
    if let Some(checked) = crate::accessibility::check_setting(key, value) {
        checked?;
    }
    Ok(())
}

/// Checks a number of days to keep deleted contacts: within [`DELETED_KEEP_DAYS_RANGE`], else a
/// validation error the form shows at its field.
pub fn check_keep_days(days: u32) -> Result<u32, Error> {
    if DELETED_KEEP_DAYS_RANGE.contains(&days) {
        Ok(days)
    } else {
        Err(Error::invalid(
            "days_out_of_range",
            "days",
            format!(
                "{days} days is outside {} to {} days",
                DELETED_KEEP_DAYS_RANGE.start(),
                DELETED_KEEP_DAYS_RANGE.end()
            ),
        ))
    }
}

/// Reads the days to keep deleted contacts as the user typed them (a whole number in
/// [`DELETED_KEEP_DAYS_RANGE`]).
pub fn parse_keep_days(value: &str) -> Result<u32, Error> {
    let days = value.trim().parse::<u32>().map_err(|_| {
        Error::invalid(
            "days_invalid",
            "days",
            format!("'{value}' is not a whole number of days"),
        )
    })?;
    check_keep_days(days)
}

/// Reads the stored days to keep deleted contacts: [`DEFAULT_DELETED_KEEP_DAYS`] when unset or
/// not a valid number, because a damaged value must neither stop the app nor erase contacts the
/// user meant to keep (a stored `0` would erase every deleted contact at once).
pub fn keep_days(stored: Option<&str>) -> u32 {
    stored
        .and_then(|v| parse_keep_days(v).ok())
        .unwrap_or(DEFAULT_DELETED_KEEP_DAYS)
}

/// The moment before which a deletion is old enough to be erased for good: `days` whole days
/// before `now` (the caller passes the time, so the rule is tested without a clock).
pub fn purge_cutoff(
    now: chrono::DateTime<chrono::Utc>,
    days: u32,
) -> chrono::DateTime<chrono::Utc> {
    now - chrono::Duration::days(i64::from(days))
}

/// The SMTP settings as stored, for sending invitations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Smtp {
    /// The server address (empty when unset; the mailer then says what is missing).
    pub url: String,
    /// The login name, if one is stored.
    pub user: Option<String>,
    /// Mails per minute, when a whole number is stored; `None` means the sender's default.
    pub per_minute: Option<u32>,
}

/// Reads a stored time zone: [`DEFAULT_ZONE`] when unset or not a zone, because a wrong zone
/// must not stop the events list from showing.
pub fn zone_or_default(stored: Option<&str>) -> Tz {
    stored.and_then(|z| z.parse().ok()).unwrap_or(DEFAULT_ZONE)
}

/// A stored per-minute rate: a whole number, or `None` (the sender's default), because an old or
/// hand-edited value must not stop the sending.
pub fn per_minute(stored: Option<&str>) -> Option<u32> {
    stored.and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_may_use_only_its_own_keys() {
        for k in UI_KEYS {
            assert!(ui_may_use(k), "{k}");
        }
        for k in [
            ME_CONTACT_ID,
            DIRECTORY_VERSION,
            "dav_url",
            "dav_sync_token",
            "",
        ] {
            assert!(!ui_may_use(k), "{k}");
        }
        let e = check_ui_write(ME_CONTACT_ID, "1").unwrap_err();
        assert_eq!(e.to_string(), "unknown setting 'me_contact_id'");
    }

    #[test]
    fn a_time_zone_must_be_an_iana_name() {
        check_ui_write(TIMEZONE, "America/New_York").unwrap();
        for bad in ["Berlin", "", "CEST+2", "Europe/Berlinn"] {
            let e = check_ui_write(TIMEZONE, bad).unwrap_err();
            assert_eq!(e.to_string(), format!("'{bad}' is not an IANA time zone"));
        }
        // Other keys take any text.
        check_ui_write(SMTP_PER_MINUTE, "").unwrap();
    }

    #[test]
    fn the_statements_settings_are_checked_on_write() {
        use crate::accessibility::{ARBITRATION_URL, CONTACT_EMAIL};
        check_ui_write(CONTACT_EMAIL, "barriere@amt.example").unwrap();
        let e = check_ui_write(CONTACT_EMAIL, "a@b.example?attach=x").unwrap_err();
        assert!(
            matches!(e, SettingError::Store(Error::Validation { .. })),
            "{e}"
        );
        assert!(check_ui_write(ARBITRATION_URL, "file:///etc/passwd").is_err());
    }

    #[test]
    fn stored_values_fall_back_to_defaults() {
        assert_eq!(zone_or_default(None), DEFAULT_ZONE);
        assert_eq!(zone_or_default(Some("Nowhere/Town")), Tz::Europe__Berlin);
        assert_eq!(
            zone_or_default(Some("America/New_York")),
            Tz::America__New_York
        );
        assert_eq!(per_minute(Some("12")), Some(12));
        for unusable in ["", "zwölf", "-1", "1.5"] {
            assert_eq!(per_minute(Some(unusable)), None, "{unusable}");
        }
    }

    #[test]
    fn days_to_keep_deleted_contacts_are_bounded() {
        assert_eq!(keep_days(None), 30);
        assert_eq!(keep_days(Some("60")), 60);
        assert_eq!(keep_days(Some(" 1 ")), 1);
        assert_eq!(keep_days(Some("3650")), 3650);
        // Damaged or out-of-range values fall back to 30: never "erase everything now".
        for unusable in ["", "0", "-5", "3651", "dreißig", "1.5", "99999999999"] {
            assert_eq!(keep_days(Some(unusable)), 30, "{unusable}");
        }
        for bad in ["0", "3651", "x", "4294967296"] {
            let e = check_ui_write(DELETED_KEEP_DAYS, bad).unwrap_err();
            assert!(e.to_string().contains("days"), "{bad}: {e}");
            assert!(
                matches!(e, SettingError::Store(Error::Validation { .. })),
                "{bad}"
            );
        }
        check_ui_write(DELETED_KEEP_DAYS, "14").unwrap();
        assert!(check_keep_days(0).is_err());
        assert_eq!(check_keep_days(3650).unwrap(), 3650);
    }

    #[test]
    fn the_purge_cutoff_is_whole_days_before_now() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            purge_cutoff(now, 30).to_rfc3339(),
            "2026-11-03T10:00:00+00:00"
        );
        assert_eq!(
            purge_cutoff(now, 1).to_rfc3339(),
            "2026-12-02T10:00:00+00:00"
        );
    }
}
