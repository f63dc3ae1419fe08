//! The one answer to "is this address this computer?".
//!
//! Plain (unencrypted) http and smtp are allowed only to loopback, because only there can nobody
//! on the network read or change the traffic; tests and local servers (Radicale on 127.0.0.1)
//! need it, users never do. Feeds, DAV and mail each used to carry their own copy of this check,
//! and the copies disagreed (one accepted `localhost.`, one compared case-sensitively, one parsed
//! the host as text): one function keeps the three edges from drifting apart again.

use std::net::IpAddr;
use url::{Host, Url};

/// Whether `url` points at this computer: 127.0.0.0/8, `::1` or `localhost` (any case, with or
/// without the root's trailing dot).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => is_loopback_name(name),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The same rule for a bare host name or address as SMTP settings hold it (`[::1]` brackets
/// allowed).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_matches(['[', ']']);
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => is_loopback_name(host),
    }
}

fn is_loopback_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_and_names() {
        for u in [
            "http://127.0.0.1:5232/",
            "http://127.8.9.10/",
            "http://[::1]:8080/",
            "http://localhost/",
            "http://LOCALHOST./x",
        ] {
            assert!(is_loopback(&Url::parse(u).unwrap()), "{u}");
        }
        for u in [
            "http://10.0.0.1/",
            "http://example.org/",
            "http://localhost.example.org/",
        ] {
            assert!(!is_loopback(&Url::parse(u).unwrap()), "{u}");
        }
        assert!(is_loopback_host("[::1]"));
        assert!(is_loopback_host("Localhost"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(!is_loopback_host("192.168.1.1"));
        assert!(!is_loopback_host("mail.example.org"));
    }
}
