//! The address rules of a feed: what the user may enter, how it is normalised, which scheme and
//! host may be fetched (https, plain http only to this computer), and how an address is shown in
//! messages without its password.

use url::Url;

use super::FetchError;
use crate::loopback::is_loopback;

/// The transport rule for one address: `https://` always, `http://` only for loopback, nothing
/// else. Applied to the entered address and to every redirect hop, so a server cannot downgrade
/// us to plain text.
pub fn check_feed_url(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(FetchError::Insecure {
            url: shown(url),
            redirected_from: None,
        }),
        "https" => Err(FetchError::InvalidUrl {
            input: shown(url),
            reason: "the server name is missing".to_owned(),
        }),
        scheme => Err(FetchError::UnsupportedScheme {
            url: shown(url),
            scheme: scheme.to_owned(),
        }),
    }
}

/// The rule for one redirect hop from `from` to `to`: the same as [`check_feed_url`], with the
/// message naming both addresses. This is what the client's redirect policy applies.
pub fn check_redirect(from: &Url, to: &Url) -> Result<(), FetchError> {
    check_feed_url(to).map_err(|err| match err {
        FetchError::Insecure { url, .. } => FetchError::Insecure {
            url,
            redirected_from: Some(shown(from)),
        },
        other => other,
    })
}

/// The rule for a hop to `to` in a chain that began at `first`: an address of this computer or a
/// private network (written as numbers, or `localhost`) is not followed from a server elsewhere,
/// as for the sync. Names that resolve there are caught when resolved ([`crate::resolve`]).
pub fn check_private_hop(first: &Url, to: &Url) -> Result<(), FetchError> {
    use crate::loopback::is_local_or_private;
    if !is_local_or_private(first) && is_local_or_private(to) {
        return Err(FetchError::PrivateNetwork {
            host: to.host_str().unwrap_or_default().to_owned(),
        });
    }
    Ok(())
}

/// Turns what the user entered into the address we fetch, or says in plain words why not.
///
/// `webcal://` and `webcals://` (what "subscribe" links on web pages use) become `https://`:
/// the webcal scheme never meant plain http in practice, and we do not downgrade. An address
/// without a scheme (`example.org/feed.ics`) gets `https://`. The fragment is dropped (servers
/// never see it). Then [`check_feed_url`] applies.
pub fn normalize_feed_url(input: &str) -> Result<Url, FetchError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(FetchError::InvalidUrl {
            input: String::new(),
            reason: "the address is empty".to_owned(),
        });
    }
    let rewritten = ["webcals://", "webcal://"]
        .iter()
        .find(|prefix| {
            trimmed
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        })
        .map(|prefix| format!("https://{}", &trimmed[prefix.len()..]));
    let text = rewritten.as_deref().unwrap_or(trimmed);
    let parsed = match Url::parse(text) {
        Err(url::ParseError::RelativeUrlWithoutBase) if !text.contains(char::is_whitespace) => {
            Url::parse(&format!("https://{text}"))
        }
        other => other,
    };
    let mut url = parsed.map_err(|err| FetchError::InvalidUrl {
        input: redact_raw(trimmed),
        reason: parse_reason(err),
    })?;
    check_feed_url(&url)?;
    url.set_fragment(None);
    Ok(url)
}

fn parse_reason(err: url::ParseError) -> String {
    use url::ParseError as P;
    match err {
        P::EmptyHost => "the server name is missing".to_owned(),
        P::InvalidPort => "the port number is not valid".to_owned(),
        P::InvalidIpv4Address | P::InvalidIpv6Address => "the IP address is not valid".to_owned(),
        P::InvalidDomainCharacter | P::IdnaError => {
            "the server name contains characters that are not allowed".to_owned()
        }
        P::RelativeUrlWithoutBase => "it is not a complete web address".to_owned(),
        other => other.to_string(),
    }
}

/// An address for messages: without password and fragment, so errors and logs can show it.
pub(super) fn shown(url: &Url) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    url.set_fragment(None);
    url.to_string()
}

/// Like [`shown`] for text that did not parse: hides anything between `:` and `@` in the
/// authority part (`https://user:secret@host`).
fn redact_raw(input: &str) -> String {
    let Some(start) = input.find("://").map(|i| i + 3) else {
        return input.to_owned();
    };
    let rest = &input[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    match (authority.find(':'), authority.rfind('@')) {
        (Some(colon), Some(at)) if colon < at => format!(
            "{}{}:***{}",
            &input[..start],
            &authority[..colon],
            &input[start + at..]
        ),
        _ => input.to_owned(),
    }
}

/// A user name and password written into a feed's address (`https://anna:geheim@host/…`),
/// taken out of it: returns them percent-decoded and leaves the address without them. They are
/// a secret like any other: kept in the keyring, never stored in the database, shown in the feeds
/// list or handed to the browser with the address.
pub fn take_credentials(url: &mut Url) -> Option<(String, String)> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    // The url crate keeps userinfo percent-encoded; its own percent-encoding crate decodes it.
    let decode = |v: &str| {
        percent_encoding::percent_decode_str(v)
            .decode_utf8_lossy()
            .into_owned()
    };
    let user = decode(url.username());
    let password = url.password().map(decode).unwrap_or_default();
    // Both setters only fail for URLs that cannot have credentials (no host), which
    // normalize_feed_url has already refused.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some((user, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_address() {
        let mut url =
            normalize_feed_url("webcal://anna%40land:Ge%3Aheim-42@kalender.example/ozg.ics")
                .unwrap();
        assert_eq!(
            take_credentials(&mut url),
            Some(("anna@land".to_string(), "Ge:heim-42".to_string()))
        );
        assert_eq!(url.as_str(), "https://kalender.example/ozg.ics");
        assert_eq!(take_credentials(&mut url), None);
        let mut token = normalize_feed_url("https://token123@kalender.example/x.ics").unwrap();
        assert_eq!(
            take_credentials(&mut token),
            Some(("token123".to_string(), String::new()))
        );
        assert_eq!(token.as_str(), "https://kalender.example/x.ics");
    }

    #[test]
    fn raw_input_loses_its_password() {
        assert_eq!(
            redact_raw("https://anna:geheim@exa mple.org/x"),
            "https://anna:***@exa mple.org/x"
        );
        assert_eq!(redact_raw("no scheme here"), "no scheme here");
        assert_eq!(redact_raw("https://host/a:b@c"), "https://host/a:b@c");
    }

    #[test]
    fn shown_urls_lose_their_password() {
        let url = Url::parse("https://anna:geheim@example.org/cal.ics#x").unwrap();
        let text = shown(&url);
        assert!(!text.contains("geheim"), "{text}");
        assert!(!text.contains('#'), "{text}");
    }
}
