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

/// Whether `url` names this computer or a private network by address (loopback, RFC 1918,
/// link-local, IPv6 unique-local, the unspecified address, shared address space): where a
/// redirect from a server elsewhere must not lead, or a hostile server could make the sync (with
/// its password) talk to the user's own machine or intranet. Names other than `localhost` are
/// not resolved here; `crate::resolve` judges what a name resolves to.
pub fn is_local_or_private(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => is_loopback_name(name),
        Some(Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
        None => false,
    }
}

/// Whether an address is this computer's or a private network's: loopback, RFC 1918,
/// link-local, `0.0.0.0`/`::` (which reach this computer on Linux), 100.64.0.0/10 (the shared
/// address space of carrier NAT and of VPNs such as Tailscale), IPv6 unique-local, and IPv4
/// written as IPv6.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (b & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link local fe80::/10
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

fn is_loopback_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each address with (is_loopback, is_local_or_private).
    #[test]
    fn loopback_local_and_private_addresses() {
        let cases = [
            ("http://127.0.0.1:5232/", true, true),
            ("http://127.8.9.10/", true, true),
            ("http://[::1]:8080/", true, true),
            ("http://localhost/", true, true),
            ("http://LOCALHOST./x", true, true),
            ("http://10.0.0.1/", false, true),
            ("https://10.1.2.3/", false, true),
            ("https://192.168.0.1/", false, true),
            ("https://172.16.5.5/", false, true),
            ("https://169.254.169.254/latest/meta-data", false, true),
            ("https://[fd00::1]/", false, true),
            ("https://[fe80::1]/", false, true),
            ("https://[::ffff:10.0.0.1]/", false, true),
            ("https://0.0.0.0:8080/", false, true),
            ("https://[::]/", false, true),
            ("https://100.100.1.2/", false, true),
            ("https://100.128.0.1/", false, false),
            ("https://[::ffff:127.0.0.1]/", false, true),
            ("http://example.org/", false, false),
            ("http://localhost.example.org/", false, false),
            ("https://93.184.216.34/", false, false),
            ("https://[2001:db8::1]/", false, false),
        ];
        for (u, loopback, local) in cases {
            let url = Url::parse(u).unwrap();
            assert_eq!(is_loopback(&url), loopback, "is_loopback {u}");
            assert_eq!(is_local_or_private(&url), local, "is_local_or_private {u}");
        }
    }

    #[test]
    fn loopback_host_names() {
        assert!(is_loopback_host("[::1]"));
        assert!(is_loopback_host("Localhost"));
        assert!(is_loopback_host("127.0.0.1"));
        assert!(!is_loopback_host("192.168.1.1"));
        assert!(!is_loopback_host("mail.example.org"));
    }
}
