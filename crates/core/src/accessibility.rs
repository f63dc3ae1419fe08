//! The accessibility statement's settings and the "Barriere melden" mail (§12b BGG, §7 BITV 2.0).
//!
//! A public body that gives Vernetzt to its staff issues the statement under its own name, with
//! its own contact address and its Land's Schlichtungsstelle; these are settings, checked here.
//! The feedback mail is built here too, from those settings and a closed list of view and
//! language codes, so that neither the web view nor outside data can put anything of its own
//! (an `attach=`, a `cc=`) into the `mailto:` link the shell hands to the mail program.

use crate::Error;

/// The name of the body that deploys Vernetzt (shown in the statement); empty means "the body
/// that provided Vernetzt to you", because the app cannot know which Bundesbehörde that is.
pub const BODY_NAME: &str = "a11y_body_name";
/// The address that feedback on barriers goes to; empty means the mail opens without recipient.
pub const CONTACT_EMAIL: &str = "a11y_contact_email";
/// The name of the Schlichtungsstelle that handles complaints; empty means the Bund's.
pub const ARBITRATION_NAME: &str = "a11y_arbitration_name";
/// The web address of that Schlichtungsstelle; empty means the Bund's.
pub const ARBITRATION_URL: &str = "a11y_arbitration_url";

/// The statement's settings, in the order the settings form shows them.
pub const KEYS: &[&str] = &[BODY_NAME, CONTACT_EMAIL, ARBITRATION_NAME, ARBITRATION_URL];

/// The Bund's Schlichtungsstelle (§16 BGG), the default: Vernetzt is first given out by federal
/// bodies, and a Land's body replaces it with its own Land's in the settings.
pub const DEFAULT_ARBITRATION_NAME: &str =
    "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz (BGG)";
/// The web address of the default Schlichtungsstelle.
pub const DEFAULT_ARBITRATION_URL: &str = "https://www.schlichtungsstelle-bgg.de";

/// The views a report may name: the UI's views, closed, so a report cannot carry any other text.
pub const VIEWS: &[&str] = &[
    "contacts",
    "events",
    "duplicates",
    "conflicts",
    "privacy",
    "settings",
    "statement",
    "about",
];
/// The UI's languages.
pub const LANGUAGES: &[&str] = &["de", "en"];

/// Checks a value for one of the statement's settings (`None` when `key` is not one of them):
/// names at most [`crate::rules::MAX_NAME_CHARS`], the contact one plain e-mail address (it goes
/// into a `mailto:` link), the Schlichtungsstelle's address an `https://` link. Empty is allowed
/// everywhere and means the default.
pub fn check_setting(key: &str, value: &str) -> Option<Result<(), Error>> {
    let v = value.trim();
    let result = match key {
        BODY_NAME | ARBITRATION_NAME => check_name(v),
        CONTACT_EMAIL => check_email(v),
        ARBITRATION_URL => check_url(v),
        _ => return None,
    };
    Some(result)
}

fn check_name(v: &str) -> Result<(), Error> {
    let n = v.chars().count();
    if n > crate::rules::MAX_NAME_CHARS {
        return Err(Error::invalid(
            "too_long",
            "value",
            format!(
                "the name is too long ({n} characters; at most {})",
                crate::rules::MAX_NAME_CHARS
            ),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(
            "invalid",
            "value",
            "the name holds control characters",
        ));
    }
    Ok(())
}

fn check_email(v: &str) -> Result<(), Error> {
    if v.is_empty() || plain_address(v) {
        Ok(())
    } else {
        Err(Error::invalid(
            "invalid_email",
            "email",
            format!("'{v}' is not one plain e-mail address"),
        ))
    }
}

fn check_url(v: &str) -> Result<(), Error> {
    let https = v
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
    if v.is_empty() || (https && crate::rules::external_link(v).is_ok()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "invalid_url",
            "url",
            format!("'{v}' is not an https:// address"),
        ))
    }
}

/// Whether `v` is one e-mail address that a `mailto:` link may carry as it is: valid, and
/// accepted by [`crate::rules::external_link`] (no `?`, `%`, `,` or `&`).
fn plain_address(v: &str) -> bool {
    crate::rules::valid_email(v) && crate::rules::external_link(&format!("mailto:{v}")).is_ok()
}

/// What the statement names, as the UI shows it: the stored settings with the defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Statement {
    /// The deploying body; empty when not set (the UI then says "the body that provided it").
    pub body_name: String,
    /// Where reports go; empty when not set or not a plain address.
    pub contact_email: String,
    /// The Schlichtungsstelle's name.
    pub arbitration_name: String,
    /// The Schlichtungsstelle's web address.
    pub arbitration_url: String,
    /// The app's version (passed in by the shell, which is the one that knows it).
    pub version: String,
}

impl Statement {
    /// The statement from stored values (`get` reads a setting); damaged values fall back to the
    /// defaults rather than stopping the page, because the statement must always be reachable.
    pub fn from_settings(get: impl Fn(&str) -> Option<String>, version: &str) -> Self {
        let ok = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| check_setting(k, v).is_some_and(|r| r.is_ok()))
        };
        let (arbitration_name, arbitration_url) = arbitration(
            ok(ARBITRATION_NAME).as_deref(),
            ok(ARBITRATION_URL).as_deref(),
        );
        Statement {
            body_name: ok(BODY_NAME).unwrap_or_default(),
            contact_email: ok(CONTACT_EMAIL).unwrap_or_default(),
            arbitration_name,
            arbitration_url,
            version: version.to_string(),
        }
    }
}

/// The Schlichtungsstelle to name: the stored name and address, or the Bund's where unset.
pub fn arbitration(name: Option<&str>, url: Option<&str>) -> (String, String) {
    let pick = |v: Option<&str>, d: &str| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(d)
            .to_string()
    };
    (
        pick(name, DEFAULT_ARBITRATION_NAME),
        pick(url, DEFAULT_ARBITRATION_URL),
    )
}

/// The `mailto:` link of a report: to the stored contact address (none when unset or not a plain
/// address: a damaged stored value must not carry a query into the link), with a subject and a
/// body that say only the app's version, the view and the language. `view` and `language` must
/// be in [`VIEWS`] and [`LANGUAGES`]; `version` must be a version number. Nothing about the
/// user goes in; the user writes the rest in the mail program before sending.
pub fn feedback_mailto(
    address: Option<&str>,
    version: &str,
    view: &str,
    language: &str,
) -> Result<String, Error> {
    if !VIEWS.contains(&view) {
        return Err(Error::invalid("unknown_view", "view", "unknown view"));
    }
    if !LANGUAGES.contains(&language) {
        return Err(Error::invalid(
            "unknown_language",
            "language",
            "unknown language",
        ));
    }
    if version.is_empty()
        || version.len() > 40
        || !version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
    {
        return Err(Error::invalid("invalid", "version", "not a version number"));
    }
    let to = address
        .map(str::trim)
        .filter(|a| plain_address(a))
        .unwrap_or("");
    let (subject, body) = if language == "en" {
        (
            "Vernetzt: reporting a barrier",
            format!(
                "Please describe the barrier: what did you want to do, and what stopped you?\n\n\n\n\
                 ---\nVernetzt version: {version}\nView: {view}\nLanguage: English\n"
            ),
        )
    } else {
        (
            "Vernetzt: Barriere melden",
            format!(
                "Bitte beschreiben Sie die Barriere: Was wollten Sie tun, und was hat Sie daran gehindert?\n\n\n\n\
                 ---\nVernetzt-Version: {version}\nAnsicht: {view}\nSprache: Deutsch\n"
            ),
        )
    };
    Ok(format!(
        "mailto:{to}?subject={}&body={}",
        encode(subject),
        encode(&body.replace('\n', "\r\n"))
    ))
}

/// Percent-encodes everything but the unreserved characters (RFC 6068, RFC 3986), so a value
/// can never end the field it is in.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_are_checked() {
        for (k, v) in [
            (BODY_NAME, ""),
            (BODY_NAME, "Bezirksamt Pankow von Berlin"),
            (CONTACT_EMAIL, ""),
            (CONTACT_EMAIL, "barrierefreiheit@amt.example"),
            (ARBITRATION_NAME, "Landesschlichtungsstelle Berlin"),
            (ARBITRATION_URL, ""),
            (
                ARBITRATION_URL,
                "https://www.berlin.de/lb/lado/schlichtungsstelle/",
            ),
        ] {
            assert!(check_setting(k, v).unwrap().is_ok(), "{k}={v}");
        }
        for (k, v) in [
            (BODY_NAME, "x".repeat(201).as_str()),
            (BODY_NAME, "Amt\u{7}"),
            (CONTACT_EMAIL, "keine-adresse"),
            (CONTACT_EMAIL, "a@b.example?attach=/etc/passwd"),
            (CONTACT_EMAIL, "a@b.example,c@d.example"),
            (CONTACT_EMAIL, "a@b.example%3Fcc=c@d.example"),
            (CONTACT_EMAIL, "a@b.example&cc=c@d.example"),
            (ARBITRATION_URL, "http://schlichtung.example"),
            (ARBITRATION_URL, "javascript:alert(1)"),
            (ARBITRATION_URL, "https://a b"),
        ] {
            assert!(check_setting(k, v).unwrap().is_err(), "{k}={v}");
        }
        assert!(check_setting("language", "de").is_none());
    }

    #[test]
    fn the_bund_is_the_default_schlichtungsstelle() {
        assert_eq!(
            arbitration(None, Some("  ")),
            (
                DEFAULT_ARBITRATION_NAME.to_string(),
                "https://www.schlichtungsstelle-bgg.de".to_string()
            )
        );
        let own = arbitration(Some("Land X"), Some("https://x.example"));
        assert_eq!(own, ("Land X".into(), "https://x.example".into()));
    }

    #[test]
    fn damaged_stored_values_fall_back() {
        let st = Statement::from_settings(
            |k| match k {
                BODY_NAME => Some(" Amt X ".into()),
                CONTACT_EMAIL => Some("a@b.example?attach=x".into()),
                ARBITRATION_URL => Some("javascript:alert(1)".into()),
                _ => None,
            },
            "0.1.0",
        );
        assert_eq!(st.body_name, "Amt X");
        assert_eq!(st.contact_email, "");
        assert_eq!(st.arbitration_name, DEFAULT_ARBITRATION_NAME);
        assert_eq!(st.arbitration_url, DEFAULT_ARBITRATION_URL);
        assert_eq!(st.version, "0.1.0");
    }

    #[test]
    fn the_report_names_version_view_and_language_and_nothing_else() {
        let link =
            feedback_mailto(Some("barriere@amt.example"), "0.1.0", "duplicates", "de").unwrap();
        assert!(
            link.starts_with(
                "mailto:barriere@amt.example?subject=Vernetzt%3A%20Barriere%20melden&body="
            ),
            "{link}"
        );
        assert!(
            link.contains(
                "Vernetzt-Version%3A%200.1.0%0D%0AAnsicht%3A%20duplicates%0D%0ASprache%3A%20Deutsch"
            ),
            "{link}"
        );
        let en = feedback_mailto(None, "0.1.0", "about", "en").unwrap();
        assert!(
            en.starts_with("mailto:?subject=Vernetzt%3A%20reporting"),
            "{en}"
        );
        assert!(en.contains("View%3A%20about"), "{en}");
    }

    #[test]
    fn a_hostile_view_language_or_address_cannot_add_fields() {
        for view in [
            "contacts&attach=/etc/passwd",
            "contacts?cc=x@y.example",
            "contacts\r\nBcc: x@y.example",
            "",
        ] {
            assert!(
                feedback_mailto(None, "0.1.0", view, "de").is_err(),
                "{view}"
            );
        }
        assert!(feedback_mailto(None, "0.1.0", "contacts", "de&attach=x").is_err());
        assert!(feedback_mailto(None, "0.1.0&cc=x", "contacts", "de").is_err());
        // A stored address that bypassed the check (an edited database) is left out, not used.
        for hostile in [
            "a@b.example?attach=/home/anna/.ssh/id_rsa",
            "a@b.example&cc=c@d.example",
            "a@b.example,c@d.example",
            "a@b.example%3Fattach=x",
        ] {
            let link = feedback_mailto(Some(hostile), "0.1.0", "contacts", "de").unwrap();
            assert!(link.starts_with("mailto:?subject="), "{link}");
            let query = link.split_once('?').unwrap().1;
            let fields: Vec<&str> = query
                .split('&')
                .map(|f| f.split('=').next().unwrap())
                .collect();
            assert_eq!(fields, ["subject", "body"], "{link}");
            assert!(!link.to_ascii_lowercase().contains("attach"), "{link}");
        }
    }
}
