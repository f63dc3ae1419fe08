//! The rules a stored value must meet, in one place: the store refuses what breaks them, and the
//! importers (vCard, CSV) drop such values with a warning instead of losing the whole record.
//!
//! The size limits live here too, not in the store: the importers check the same limits before
//! the store sees a record, and one number in one place cannot drift between them.

use crate::error::{Error, Result};
use crate::model::{Labeled, Photo};
use base64::Engine;

// Lengths of single-line fields, in characters.

/// Longest name part (display, given, family name).
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free single-line field (role, street, locality, website).
pub const MAX_FIELD_CHARS: usize = 1_000;
/// Longest short field (title, tag, country, the label of an address or number).
pub const MAX_SHORT_CHARS: usize = 100;
/// Longest e-mail address or phone number (an SMTP path is at most 254).
pub const MAX_VALUE_CHARS: usize = 254;
/// Longest postal code.
pub const MAX_POSTAL_CODE_CHARS: usize = 20;
/// Longest feed name.
pub const MAX_FEED_NAME_CHARS: usize = 200;
/// Longest organisation name (German authorities' names run long).
pub const MAX_ORG_NAME_CHARS: usize = 500;
/// Longest own event title.
pub const MAX_EVENT_TITLE_CHARS: usize = 500;
/// Longest series name (as long as a feed's name).
pub const MAX_SERIES_NAME_CHARS: usize = 200;
/// Longest session name of an encounter ("Workshop 3: Roll-in").
pub const MAX_SESSION_CHARS: usize = 200;

// Sizes of texts and files, in bytes.

/// Longest note body we store. Notes are conversation notes, not documents; a larger paste is
/// refused with a clear message instead of bloating every sync and search.
pub const MAX_NOTE_BYTES: usize = 100_000;
/// Largest contact photo: a portrait, not an archive of scans.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;
/// Longest follow-up text: a reminder, not a note.
pub const MAX_FOLLOW_UP_BYTES: usize = 10_000;
/// Largest setting value: the invitation template is the longest (a letter, not a book);
/// without a cap a pasted file would sit in every settings read.
pub const MAX_SETTING_BYTES: usize = 100_000;

/// Largest answer read from a CardDAV/CalDAV server, counted after unpacking gzip: a multiget
/// of a few thousand cards with photos stays far below it, an endless body or a gzip bomb stops
/// there instead of filling the memory.
pub const MAX_DAV_ANSWER_BYTES: usize = 64 * 1024 * 1024;

// Counts.

/// Most members one listing or one sync-collection answer may name: ten times the largest
/// community address book we know of; a server announcing more is not trusted with our memory.
pub const MAX_DAV_HREFS: usize = 100_000;

/// Most e-mail addresses (or phone numbers) one contact holds.
pub const MAX_VALUES: usize = 50;
/// Most contacts one page of the contact list returns.
pub const MAX_PAGE: i64 = 10_000;
/// Longest period the stale-contacts review looks back, in months (a century): a larger number
/// means nothing to a person, and an unchecked one overflowed the date arithmetic (a panic that
/// poisoned the app's store lock).
pub const MAX_STALE_MONTHS: u32 = 1_200;
/// Most events one feed keeps (the first by start; the rest are left out with a warning). A
/// year of a busy organiser is a few hundred, and the benchmark's feed of 10,000 (a large
/// conference calendar) must still be read whole; a feed of millions is an attack on the events
/// view, which expands them on every listing.
pub const MAX_FEED_EVENTS: usize = 20_000;
/// Most recurring series one feed keeps, within [`MAX_FEED_EVENTS`]: each one may expand to
/// thousands of occurrences per listing (see `ical::recur`), so they are capped tighter.
pub const MAX_FEED_SERIES: usize = 2_000;
/// Most occurrences one listing of events returns (the first by start); the listing says when it
/// was cut short. A year of every feed the user follows fits; a minutely series does not.
pub const MAX_LISTED_OCCURRENCES: usize = 2_000;

/// Trims a single-line field, turns control characters (CR, LF, TAB …) into spaces, and maps
/// empty to `None`. Control characters in a name would break vCard lines and CSV rows later.
pub fn single_line(field: &'static str, v: &Option<String>, max: usize) -> Result<Option<String>> {
    let Some(v) = v else { return Ok(None) };
    let cleaned: String = v
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let t = cleaned.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(Error::invalid(
            "too_long",
            field,
            format!(
                "{field} is too long ({} characters; at most {max})",
                t.chars().count()
            ),
        ));
    }
    Ok(Some(t.to_string()))
}

/// Cleans a list of labelled values (e-mail addresses, phone numbers): each one a valid single
/// line that passes `check`, case-insensitive duplicates dropped, at most [`MAX_VALUES`].
pub fn labeled(
    field: &'static str,
    values: &[Labeled],
    check: fn(&str) -> bool,
    code: &'static str,
) -> Result<Vec<Labeled>> {
    let mut out: Vec<Labeled> = Vec::new();
    for v in values {
        let Some(value) = single_line(field, &Some(v.value.clone()), MAX_VALUE_CHARS)? else {
            continue;
        };
        if !check(&value) {
            return Err(Error::invalid(
                code,
                field,
                format!("'{value}' is not a valid {field} entry"),
            ));
        }
        if out.iter().any(|o| o.value.eq_ignore_ascii_case(&value)) {
            continue;
        }
        let label = single_line(field, &v.label, MAX_SHORT_CHARS)?;
        out.push(Labeled { value, label });
    }
    if out.len() > MAX_VALUES {
        return Err(Error::invalid(
            "too_many",
            field,
            format!("at most {MAX_VALUES} {field}"),
        ));
    }
    Ok(out)
}

/// Decodes and checks a photo; returns the bytes and the media type read from the bytes
/// themselves (the declared type is not trusted).
pub fn decode_photo(p: &Photo) -> Result<(Vec<u8>, &'static str)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(p.base64.trim())
        .map_err(|_| Error::invalid("photo_invalid", "photo", "the photo is not valid base64"))?;
    let size = bytes.len();
    if size > MAX_PHOTO_BYTES {
        let message = format!("the photo has {size} bytes; at most {MAX_PHOTO_BYTES}");
        return Err(Error::invalid("photo_too_large", "photo", message));
    }
    let mime = sniff_image(&bytes).ok_or_else(|| {
        Error::invalid(
            "photo_invalid",
            "photo",
            "the photo is not a JPEG, PNG, GIF or WebP image",
        )
    })?;
    Ok((bytes, mime))
}

/// A note body as stored: trimmed, not empty, at most [`MAX_NOTE_BYTES`].
pub fn note_body(body: &str) -> Result<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(
            "note_empty",
            "note",
            "a note needs some text",
        ));
    }
    if trimmed.len() > MAX_NOTE_BYTES {
        return Err(Error::invalid(
            "note_too_long",
            "note",
            format!(
                "the note is too long ({} bytes; at most {MAX_NOTE_BYTES}, about 30 printed pages)",
                trimmed.len()
            ),
        ));
    }
    Ok(trimmed.to_string())
}

/// An e-mail address: RFC 5322 syntax without display text or IP literal, and a dotted domain
/// (`a@b` is valid RFC but never what our users mean).
pub fn valid_email(v: &str) -> bool {
    email_address::EmailAddress::parse_with_options(
        v,
        email_address::Options::default()
            .without_display_text()
            .without_domain_literal(),
    )
    .is_ok()
        && v.rsplit_once('@')
            .is_some_and(|(_, d)| d.contains('.') && !d.ends_with('.'))
}

/// A phone number as people write it: 3 to 20 digits, only `0-9 +-/().` and spaces, one `+`.
pub fn valid_phone(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && v.chars()
            .all(|c| c.is_ascii_digit() || " +-/().".contains(c))
        && v.chars().filter(|c| *c == '+').count() <= 1
}

/// The media type of a photo, read from its bytes (JPEG, PNG, GIF or WebP); `None` for anything
/// else. The declared type of an upload or a vCard is not trusted.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Checks a link before the app hands it to the system browser or mail program: only
/// `https://`, `http://` and `mailto:` (a `file:`, `javascript:` or custom-scheme link from a
/// feed or a card must not start anything), no spaces or control characters, at most 2,048
/// characters. Returns the link as it will be opened.
pub fn external_link(link: &str) -> Result<String, String> {
    let l = link.trim();
    let lower = l.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return Err("only https, http and mailto links are opened".into());
    }
    if l.len() > 2048 || l.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("the link holds spaces or control characters, or is too long".into());
    }
    let rest = l.split_once(':').map(|(_, r)| r).unwrap_or("");
    if rest.trim_start_matches('/').is_empty() {
        return Err("the link names no address".into());
    }
    if lower.starts_with("mailto:") && !is_plain_address(rest) {
        return Err("a mail link is opened only with one address and nothing after it".into());
    }
    Ok(l.to_string())
}

/// What the shell asks before it hands a link to another program: every external open asks the
/// user first, in a dialog of the operating system that a script in the web view can neither
/// answer nor change, and the question names the exact target (the whole web address, or the
/// mail address) so a link text cannot pretend to be something else.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenQuestion {
    /// The dialog's title.
    pub title: String,
    /// The question, with the target on a line of its own.
    pub message: String,
    /// The button that opens.
    pub open: String,
    /// The button that does not.
    pub cancel: String,
    /// The link that opens when the user agrees (checked by [`external_link`]).
    pub link: String,
}

/// The question for `link` in the UI's language (`"en"` English, anything else German, as the
/// UI falls back to German), or why the link is not opened at all ([`external_link`]).
pub fn open_question(link: &str, language: Option<&str>) -> Result<OpenQuestion, String> {
    let link = external_link(link)?;
    let english = language.is_some_and(|l| l.eq_ignore_ascii_case("en"));
    let mail = link
        .get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("mailto:"));
    let target = if mail { &link[7..] } else { link.as_str() };
    let (title, question) = match (mail, english) {
        (true, false) => (
            "E-Mail schreiben?",
            "Eine E-Mail an diese Adresse in Ihrem E-Mail-Programm beginnen?",
        ),
        (true, true) => (
            "Write an e-mail?",
            "Start an e-mail to this address in your mail program?",
        ),
        (false, false) => ("Link öffnen?", "Diese Adresse in Ihrem Browser öffnen?"),
        (false, true) => ("Open link?", "Open this address in your browser?"),
    };
    let (open, cancel) = if english {
        ("Open", "Cancel")
    } else {
        ("Öffnen", "Abbrechen")
    };
    Ok(OpenQuestion {
        title: title.into(),
        message: format!("{question}\n\n{target}"),
        open: open.into(),
        cancel: cancel.into(),
        link: link.clone(),
    })
}

/// Whether `v` is one e-mail address and nothing else. A `mailto:` link from outside data (a
/// feed's ORGANIZER, an imported card) may carry a query (`?attach=/home/…`, `cc=`, `body=`)
/// or several addresses; some mail programs attach the named local file, so such a link is not
/// opened. `%` is refused too, because `%3F` or `%2C` decode to `?` and `,` in the mail program.
fn is_plain_address(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    let forbidden = |c: char| "?&,;%:/\\<>\"()[]@ ".contains(c) || c.is_control();
    !local.is_empty()
        && !domain.is_empty()
        && !local.chars().any(forbidden)
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[cfg(test)]
mod link_tests {
    use super::{external_link, open_question};

    #[test]
    fn every_open_asks_naming_the_exact_target_in_the_users_language() {
        let q = open_question(" https://www.fitko.de/veranstaltung?id=7 ", None).unwrap();
        assert_eq!(q.title, "Link öffnen?");
        assert_eq!(
            q.message,
            "Diese Adresse in Ihrem Browser öffnen?\n\nhttps://www.fitko.de/veranstaltung?id=7"
        );
        assert_eq!(
            (q.open.as_str(), q.cancel.as_str()),
            ("Öffnen", "Abbrechen")
        );
        assert_eq!(q.link, "https://www.fitko.de/veranstaltung?id=7");
        let q = open_question("MAILTO:info@fitko.example", Some("en")).unwrap();
        assert_eq!(q.title, "Write an e-mail?");
        assert!(
            q.message.ends_with("\n\ninfo@fitko.example"),
            "{}",
            q.message
        );
        assert_eq!(q.link, "MAILTO:info@fitko.example");
        // What is not opened is not asked about either.
        assert!(open_question("mailto:a@b.example?attach=/etc/passwd", Some("de")).is_err());
        assert!(open_question("file:///etc/passwd", Some("en")).is_err());
    }

    #[test]
    fn only_web_and_mail_links() {
        assert!(external_link("https://www.fitko.de/ozg").is_ok());
        assert!(external_link("mailto:info@fitko.example").is_ok());
        assert!(external_link("mailto:jördis.müller@bayern.example").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "vernetzt://x",
            "https://a b",
            "https://",
            "data:text/html,<script>",
            " JAVASCRIPT:alert(1)",
            "mailto:a@b.example?attach=/home/anna/.ssh/id_rsa",
            "mailto:a@b.example?cc=c@d.example",
            "mailto:a@b.example,c@d.example",
            "mailto:a@b.example%3Fattach=x",
            "mailto:?to=a@b.example",
            "mailto:keine-adresse",
            "mailto:a@b.example/x",
        ] {
            assert!(external_link(bad).is_err(), "{bad}");
        }
    }
}
