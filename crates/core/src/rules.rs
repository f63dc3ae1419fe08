//! The rules a stored value must meet, in one place: the store refuses what breaks them, and the
//! importers (vCard, CSV) drop such values with a warning instead of losing the whole record.

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
    Ok(l.to_string())
}

#[cfg(test)]
mod link_tests {
    use super::external_link;

    #[test]
    fn only_web_and_mail_links() {
        assert!(external_link("https://www.fitko.de/ozg").is_ok());
        assert!(external_link("mailto:info@fitko.example").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "vernetzt://x",
            "https://a b",
            "https://",
            "data:text/html,<script>",
            " JAVASCRIPT:alert(1)",
        ] {
            assert!(external_link(bad).is_err(), "{bad}");
        }
    }
}
