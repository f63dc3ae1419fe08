//! Name resolution for the HTTP clients, with the rule that keeps a server elsewhere from leading
//! Vernetzt into the user's own machine or network by a host *name*.
//!
//! The redirect checks (`dav::client`'s `hop_refusal`) see only addresses written as numbers; a
//! name such as `intranet.example` that a hostile server redirects to, or one whose DNS answer
//! points at 127.0.0.1 or 192.168.x (DNS rebinding), passes them. The check therefore happens
//! where the name becomes addresses, for every connection: reqwest asks [`GuardedResolver`],
//! which answers by [`verdict`].
//!
//! The rule: the server the user entered (the *origin*) is reached wherever its name leads; a
//! Nextcloud at home (`cloud.fritz.box` → 192.168.178.20) or a test server on `localhost` keeps
//! working. When the origin itself is on this computer or a private network, so may be the names
//! it leads to (an intranet server redirecting within the intranet). When the origin is
//! elsewhere, any other name is refused its private addresses; with no public one left, the
//! connection fails with [`PrivateNetworkRefused`].
//!
//! The DAV client knows its origin when it is built (one client per server). The feed client is
//! shared by all feeds, so each fetch names its origin for the time it runs ([`with_origin`]);
//! without one every name counts as "not the origin", so the strict rule applies.

use crate::loopback::is_private_ip;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use url::{Host, Url};

/// Turns a host name into addresses. The system's resolver in the app; a test maps names to
/// the addresses it wants (`intranet.test` → 127.0.0.1), so the rule is tested without DNS.
pub trait Lookup: Send + Sync {
    /// The addresses of `host` (a name, never an address literal).
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;
}

/// The operating system's resolver (`getaddrinfo` on a blocking thread, as reqwest does).
pub struct SystemLookup;

impl Lookup for SystemLookup {
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>> {
        let host = host.to_string();
        Box::pin(async move {
            Ok(tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    }
}

/// Names answered from a table and nothing else: the tests' DNS (`intranet.test` → 127.0.0.1),
/// so the rule is tested against names that lead where a test wants, offline.
pub struct Table(pub Vec<(&'static str, Vec<IpAddr>)>);

impl Table {
    /// A table from `(name, address)` pairs; a name given twice has both addresses.
    pub fn of(pairs: &[(&'static str, &str)]) -> Arc<Table> {
        let mut rows: Vec<(&'static str, Vec<IpAddr>)> = Vec::new();
        for (name, ip) in pairs {
            let ip: IpAddr = ip.parse().expect("an address");
            match rows.iter_mut().find(|(n, _)| n == name) {
                Some((_, list)) => list.push(ip),
                None => rows.push((name, vec![ip])),
            }
        }
        Arc::new(Table(rows))
    }
}

impl Lookup for Table {
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>> {
        let found = self
            .0
            .iter()
            .find(|(n, _)| *n == host)
            .map(|(_, a)| a.clone());
        Box::pin(async move { found.ok_or_else(|| io::Error::other("no such name")) })
    }
}

/// A name that resolves only to addresses of this computer or a private network, reached from a
/// server elsewhere. Its text is what the user reads (the feed and sync errors show it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{host} leads to this computer or a private network, but the server you entered is \
     elsewhere; Vernetzt does not follow a server there"
)]
pub struct PrivateNetworkRefused {
    /// The refused name.
    pub host: String,
}

/// The pure rule: which of `addrs` (what `host` resolved to) may be connected to.
/// `is_origin`: `host` is the server the user entered. `origin_private`: that server is on this
/// computer or a private network. The origin keeps all its addresses; a name reached from a
/// private origin too; any other name keeps only public addresses, and none left is a refusal.
pub fn verdict(
    host: &str,
    is_origin: bool,
    origin_private: bool,
    addrs: Vec<IpAddr>,
) -> Result<Vec<IpAddr>, PrivateNetworkRefused> {
    if is_origin || origin_private || addrs.is_empty() {
        return Ok(addrs);
    }
    let public: Vec<IpAddr> = addrs.into_iter().filter(|a| !is_private_ip(*a)).collect();
    if public.is_empty() {
        return Err(PrivateNetworkRefused {
            host: host.to_string(),
        });
    }
    Ok(public)
}

/// The server a connection chain started at: its name (for a name) and whether it is on this
/// computer or a private network, once known (an address literal at once, a name when it was
/// resolved).
#[derive(Debug)]
pub struct Origin {
    name: Option<String>,
    private: Mutex<Option<bool>>,
}

impl Origin {
    /// The origin of requests to `url`.
    pub fn of(url: &Url) -> Arc<Origin> {
        let (name, private) = match url.host() {
            // A name (`localhost` too) is judged by what it resolves to, when it is resolved.
            Some(Host::Domain(d)) => (Some(norm(d)), None),
            Some(_) => (None, Some(crate::loopback::is_local_or_private(url))),
            None => (None, Some(false)),
        };
        Arc::new(Origin {
            name,
            private: Mutex::new(private),
        })
    }

    fn is(&self, host: &str) -> bool {
        self.name.as_deref() == Some(norm(host).as_str())
    }

    fn known_private(&self) -> Option<bool> {
        *self.private.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_private(&self, private: bool) {
        *self.private.lock().unwrap_or_else(|p| p.into_inner()) = Some(private);
    }
}

/// An origin is on this computer or a private network when every address of it is: one with a
/// public address too counts as elsewhere (the stricter reading).
fn all_private(addrs: &[IpAddr]) -> bool {
    !addrs.is_empty() && addrs.iter().all(|a| is_private_ip(*a))
}

fn norm(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

tokio::task_local! {
    /// The origin of the feed fetch running on this task.
    static CURRENT: Arc<Origin>;
}

/// Runs `fut` (one feed fetch with its redirects) with `url` as the origin the shared feed
/// client's resolver judges names by. reqwest resolves a new connection's name while the
/// request's future is polled, so inside this task.
pub async fn with_origin<F: Future>(url: &Url, fut: F) -> F::Output {
    CURRENT.scope(Origin::of(url), fut).await
}

/// reqwest's resolver with [`verdict`] applied to every name.
pub struct GuardedResolver {
    lookup: Arc<dyn Lookup>,
    /// The origin of a client made for one server (DAV); `None` for the shared feed client,
    /// which takes it from [`with_origin`].
    fixed: Option<Arc<Origin>>,
}

impl GuardedResolver {
    /// A resolver for a client of one server (`origin`), or for a shared client (`None`).
    pub fn new(lookup: Arc<dyn Lookup>, origin: Option<Arc<Origin>>) -> Arc<GuardedResolver> {
        Arc::new(GuardedResolver {
            lookup,
            fixed: origin,
        })
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        // Read now, while the request's task is polling: the future may run elsewhere.
        let origin = CURRENT
            .try_with(Arc::clone)
            .ok()
            .or_else(|| self.fixed.clone());
        let lookup = Arc::clone(&self.lookup);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = lookup.lookup(&host).await?;
            let (is_origin, origin_private) = match &origin {
                None => (false, false),
                Some(o) if o.is(&host) => {
                    o.set_private(all_private(&addrs));
                    (true, false)
                }
                Some(o) => match o.known_private() {
                    Some(p) => (false, p),
                    None => {
                        // A name before the origin's own (not in a normal chain): ask for it.
                        let of_origin = match o.name.as_deref() {
                            Some(n) => lookup.lookup(n).await.unwrap_or_default(),
                            None => Vec::new(),
                        };
                        let p = all_private(&of_origin);
                        o.set_private(p);
                        (false, p)
                    }
                },
            };
            let kept = verdict(&host, is_origin, origin_private, addrs)?;
            let out: reqwest::dns::Addrs =
                Box::new(kept.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[&str]) -> Vec<IpAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn the_rule_for_names() {
        let private = ips(&["127.0.0.1"]);
        let lan = ips(&["192.168.178.20", "fd00::20"]);
        let mixed = ips(&["93.184.216.34", "10.0.0.5"]);
        // The server the user entered: wherever it leads.
        assert_eq!(
            verdict("cloud.fritz.box", true, false, lan.clone()),
            Ok(lan.clone())
        );
        // A private origin may lead to other private names.
        assert_eq!(
            verdict("files.fritz.box", false, true, lan.clone()),
            Ok(lan.clone())
        );
        // A public origin may not.
        assert_eq!(
            verdict("intranet.test", false, false, private),
            Err(PrivateNetworkRefused {
                host: "intranet.test".into()
            })
        );
        assert!(verdict("rebind.test", false, false, lan).is_err());
        // Private answers are dropped, public ones kept.
        assert_eq!(
            verdict("mixed.test", false, false, mixed),
            Ok(ips(&["93.184.216.34"]))
        );
        let public = ips(&["93.184.216.34"]);
        assert_eq!(
            verdict("cdn.test", false, false, public.clone()),
            Ok(public)
        );
    }

    #[test]
    fn origins_by_address_and_by_name() {
        let at = |u: &str| Origin::of(&Url::parse(u).unwrap());
        assert_eq!(at("https://192.168.1.5/dav/").known_private(), Some(true));
        assert_eq!(at("http://[::1]:5232/").known_private(), Some(true));
        assert_eq!(at("https://93.184.216.34/").known_private(), Some(false));
        let named = at("https://Cloud.Example./dav/");
        assert_eq!(named.known_private(), None);
        assert!(named.is("cloud.example"));
        assert!(!named.is("other.example"));
    }

    async fn resolve(r: &GuardedResolver, name: &str) -> Result<Vec<IpAddr>, String> {
        use reqwest::dns::Resolve;
        r.resolve(name.parse().unwrap())
            .await
            .map(|a| a.map(|s| s.ip()).collect())
            .map_err(|e| e.to_string())
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_resolver_learns_where_the_origin_is() {
        let lookup = Table::of(&[
            ("dav.example", "93.184.216.34"),
            ("home.example", "192.168.178.20"),
            ("intranet.test", "127.0.0.1"),
        ]);
        let public = GuardedResolver::new(
            lookup.clone(),
            Some(Origin::of(&Url::parse("https://dav.example/").unwrap())),
        );
        assert!(resolve(&public, "dav.example").await.is_ok());
        let refused = resolve(&public, "intranet.test").await.unwrap_err();
        assert!(
            refused.contains("intranet.test leads to this computer"),
            "{refused}"
        );
        // The origin at home: the names it leads to may be at home too.
        let home = GuardedResolver::new(
            lookup.clone(),
            Some(Origin::of(&Url::parse("https://home.example/").unwrap())),
        );
        assert!(
            resolve(&home, "intranet.test").await.is_ok(),
            "asked for the origin first"
        );
        // No origin at all (the shared feed client outside a fetch): the strict rule.
        let shared = GuardedResolver::new(lookup.clone(), None);
        assert!(resolve(&shared, "intranet.test").await.is_err());
        let url = Url::parse("https://intranet.test/feed.ics").unwrap();
        let inside = with_origin(&url, resolve(&shared, "intranet.test")).await;
        assert_eq!(inside, Ok(ips(&["127.0.0.1"])), "the entered feed itself");
    }
}
