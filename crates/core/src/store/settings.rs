//! The `settings` table: a plain key–value table, and the typed reads over it.
//!
//! What each key means, its default and which keys the UI may write is `crate::settings`
//! (pure, so the shell and the CLI can check a value without a store); the SQL and the reads
//! that need the store are here, so the table's SQL sits in one file like every other table's.

use super::{Store, first};
use crate::error::Result;
use crate::settings::{
    self, SMTP_PER_MINUTE, SMTP_URL, SMTP_USER, SettingError, Smtp, TIMEZONE, check_ui_write,
    ui_may_use,
};
use chrono_tz::Tz;

impl Store {
    /// Reads a setting (language and the like; never secrets).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        first(
            &self.conn,
            "SELECT value FROM settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
    }

    /// Writes a setting; a value over [`crate::rules::MAX_SETTING_BYTES`] is refused.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        if value.len() > crate::rules::MAX_SETTING_BYTES {
            return Err(crate::Error::invalid(
                "too_long",
                "value",
                format!(
                    "the value of {key} is too long ({} bytes; at most {})",
                    value.len(),
                    crate::rules::MAX_SETTING_BYTES
                ),
            ));
        }
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )?;
        Ok(())
    }

    /// Reads a setting for the UI; keys outside [`settings::UI_KEYS`] are refused, so the UI
    /// cannot read the store's and the sync's own bookkeeping.
    pub fn ui_setting(&self, key: &str) -> std::result::Result<Option<String>, SettingError> {
        if !ui_may_use(key) {
            return Err(SettingError::Unknown(key.to_string()));
        }
        Ok(self.setting(key)?)
    }

    /// Writes a setting for the UI after [`settings::check_ui_write`].
    pub fn set_ui_setting(
        &mut self,
        key: &str,
        value: &str,
    ) -> std::result::Result<(), SettingError> {
        check_ui_write(key, value)?;
        Ok(self.set_setting(key, value)?)
    }

    /// The accessibility statement's settings with the defaults filled in (see
    /// [`crate::accessibility::Statement`]); `version` is the app's, which the shell knows.
    pub fn accessibility_statement(&self, version: &str) -> crate::accessibility::Statement {
        crate::accessibility::Statement::from_settings(|k| self.setting(k).ok().flatten(), version)
    }

    /// The `mailto:` link of a report of a barrier, to the stored contact address (see
    /// [`crate::accessibility::feedback_mailto`]).
    pub fn feedback_mailto(&self, version: &str, view: &str, language: &str) -> Result<String> {
        let address = self.accessibility_statement(version).contact_email;
        crate::accessibility::feedback_mailto(Some(&address), version, view, language)
    }

    /// The user's time zone (setting `timezone`), [`settings::DEFAULT_ZONE`] when unset,
    /// unreadable or not a zone: a wrong zone must not stop the events list from showing.
    pub fn user_zone(&self) -> Tz {
        settings::zone_or_default(self.setting(TIMEZONE).ok().flatten().as_deref())
    }

    /// The SMTP settings as stored, for sending invitations.
    pub fn smtp_settings(&self) -> Result<Smtp> {
        Ok(Smtp {
            url: self.setting(SMTP_URL)?.unwrap_or_default(),
            user: self.setting(SMTP_USER)?,
            per_minute: settings::per_minute(self.setting(SMTP_PER_MINUTE)?.as_deref()),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;
    use crate::settings::*;
    use chrono_tz::Tz;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn the_ui_may_use_only_its_own_keys() {
        let mut s = store();
        let e = s.set_ui_setting(ME_CONTACT_ID, "1").unwrap_err();
        assert_eq!(e.to_string(), "unknown setting 'me_contact_id'");
        let e = s.ui_setting(DIRECTORY_VERSION).unwrap_err();
        assert_eq!(e.to_string(), "unknown setting 'directory_version'");
        // A refused write changes nothing.
        assert_eq!(s.setting(ME_CONTACT_ID).unwrap(), None);
    }

    #[test]
    fn a_report_goes_to_the_stored_address() {
        let mut s = store();
        let link = s.feedback_mailto("0.1.0", "contacts", "de").unwrap();
        assert!(link.starts_with("mailto:?subject="), "{link}");
        s.set_ui_setting(crate::accessibility::CONTACT_EMAIL, "barriere@amt.example")
            .unwrap();
        let link = s.feedback_mailto("0.1.0", "contacts", "de").unwrap();
        assert!(
            link.starts_with("mailto:barriere@amt.example?subject="),
            "{link}"
        );
        // A hostile address written past the check (an edited database) is not used.
        s.set_setting(
            crate::accessibility::CONTACT_EMAIL,
            "x@y.example?attach=/etc/passwd",
        )
        .unwrap();
        let link = s.feedback_mailto("0.1.0", "contacts", "de").unwrap();
        assert!(link.starts_with("mailto:?subject="), "{link}");
        assert!(
            s.feedback_mailto("0.1.0", "contacts&attach=x", "de")
                .is_err()
        );
    }

    #[test]
    fn the_ui_reads_what_it_wrote() {
        let mut s = store();
        assert_eq!(s.ui_setting(LANGUAGE).unwrap(), None);
        s.set_ui_setting(LANGUAGE, "en").unwrap();
        assert_eq!(s.ui_setting(LANGUAGE).unwrap().as_deref(), Some("en"));
        // Empty is a value (e.g. "use the built-in template").
        s.set_ui_setting(INVITE_TEMPLATE, "").unwrap();
        assert_eq!(s.ui_setting(INVITE_TEMPLATE).unwrap().as_deref(), Some(""));
    }

    #[test]
    fn a_refused_zone_is_not_stored() {
        let mut s = store();
        s.set_ui_setting(TIMEZONE, "America/New_York").unwrap();
        for bad in ["Berlin", "", "Europe/Berlinn"] {
            assert!(s.set_ui_setting(TIMEZONE, bad).is_err());
        }
        assert_eq!(s.user_zone(), Tz::America__New_York);
    }

    #[test]
    fn the_zone_falls_back_to_berlin() {
        let mut s = store();
        assert_eq!(s.user_zone(), DEFAULT_ZONE);
        // Written behind the UI's back (the CLI or an old version): still no failure.
        s.set_setting(TIMEZONE, "Nowhere/Town").unwrap();
        assert_eq!(s.user_zone(), Tz::Europe__Berlin);
    }

    #[test]
    fn smtp_settings_with_defaults() {
        let mut s = store();
        assert_eq!(s.smtp_settings().unwrap(), Smtp::default());
        s.set_setting(SMTP_URL, "smtps://mail.example.org").unwrap();
        s.set_setting(SMTP_USER, "orga").unwrap();
        s.set_setting(SMTP_PER_MINUTE, "12").unwrap();
        assert_eq!(
            s.smtp_settings().unwrap(),
            Smtp {
                url: "smtps://mail.example.org".into(),
                user: Some("orga".into()),
                per_minute: Some(12),
            }
        );
        s.set_setting(SMTP_PER_MINUTE, "zwölf").unwrap();
        assert_eq!(s.smtp_settings().unwrap().per_minute, None);
    }
}
