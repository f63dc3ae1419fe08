//! The two WebDAV requests libdav 0.10 lacks, written with its XML builder: RFC 6578
//! sync-collection, and the change check's PROPFIND for `CS:getctag` and `DAV:sync-token`.
//! Both parse a 207 multistatus into the [`Remote`](super::Remote)'s data.

use super::{DavError, Delta, Tags};
use http::Uri;
use libdav::names;
use libdav::requests::DavRequest;
use libdav::xmlutils::XmlNode;

/// A Depth 1 request with an XML body.
fn depth_one(
    method: &[u8],
    base_url: Uri,
    href: &str,
    body: &str,
) -> Result<http::Request<String>, http::Error> {
    http::Request::builder()
        .method(http::Method::from_bytes(method)?)
        .uri(libdav::dav::make_relative_url(base_url, href)?)
        .header("Depth", "1")
        .header("Content-Type", "application/xml; charset=utf-8")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{body}"
        ))
}

/// The text of a 207 multistatus answer (anything else is not one).
fn multistatus<'a>(parts: &http::response::Parts, body: &'a [u8]) -> Result<&'a str, String> {
    if parts.status.as_u16() != 207 {
        return Err(format!("status {}", parts.status));
    }
    std::str::from_utf8(body).map_err(|e| e.to_string())
}

/// RFC 6578 sync-collection REPORT (libdav 0.10 has none).
pub(super) struct SyncCollection<'a> {
    pub(super) href: &'a str,
    pub(super) token: &'a str,
}

impl DavRequest for SyncCollection<'_> {
    type Response = Delta;
    type ParseError = String;
    type Error<E> = DavError;

    fn prepare_request(&self, base_url: Uri) -> Result<http::Request<String>, http::Error> {
        let prop = XmlNode::new(&names::PROP).with_children(vec![XmlNode::new(&names::GETETAG)]);
        let body = XmlNode::new(&names::SYNC_COLLECTION)
            .with_children(vec![
                XmlNode::new(&names::SYNC_TOKEN).with_text(self.token),
                XmlNode::new(&names::SYNC_LEVEL).with_text("1"),
                prop,
            ])
            .render_node();
        depth_one(b"REPORT", base_url, self.href, &body)
    }

    fn parse_response(&self, parts: &http::response::Parts, body: &[u8]) -> Result<Delta, String> {
        let text = multistatus(parts, body)?;
        let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
        let dav = |n: &roxmltree::Node, name: &str| {
            n.tag_name().name() == name && n.tag_name().namespace() == Some("DAV:")
        };
        let mut d = Delta::default();
        let root = doc.root_element();
        for child in root.children().filter(|c| c.is_element()) {
            if dav(&child, "sync-token") {
                d.token = child.text().map(|t| t.trim().to_string());
            }
            if !dav(&child, "response") {
                continue;
            }
            let href = child
                .children()
                .find(|c| dav(c, "href"))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string());
            let Some(href) = href else { continue };
            if href.ends_with('/') {
                continue; // the collection itself
            }
            let gone = child
                .children()
                .find(|c| dav(c, "status"))
                .and_then(|c| c.text())
                .is_some_and(|t| t.contains(" 404"));
            if gone {
                d.deleted.push(href);
                continue;
            }
            let etag = child
                .descendants()
                .find(|c| dav(c, "getetag"))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string());
            d.changed.push((href, etag));
        }
        Ok(d)
    }
}

const GETCTAG: libdav::PropertyName = libdav::PropertyName::new(names::CALENDAR_SERVER, "getctag");

/// PROPFIND Depth 1 on a home collection for its children's `CS:getctag` (and, when asked,
/// `DAV:sync-token`): one request that tells whether the address book or the calendar changed
/// at all since the last sync. The CTag (a calendarserver.org property every CardDAV/CalDAV
/// server in use offers) is cheaper for the server than the sync token: Radicale at 10,000
/// cards answers it in 0.42–0.57 s against 0.59–0.98 s (docs/decisions.md), so the token is
/// asked for only until a CTag is kept.
pub(super) struct CollectionTokens<'a> {
    pub(super) href: &'a str,
    pub(super) with_sync_token: bool,
}

impl DavRequest for CollectionTokens<'_> {
    type Response = std::collections::HashMap<String, Tags>;
    type ParseError = String;
    type Error<E> = DavError;

    fn prepare_request(&self, base_url: Uri) -> Result<http::Request<String>, http::Error> {
        let mut props = vec![XmlNode::new(&GETCTAG)];
        if self.with_sync_token {
            props.push(XmlNode::new(&names::SYNC_TOKEN));
        }
        let body = XmlNode::new(&names::PROPFIND)
            .with_children(vec![XmlNode::new(&names::PROP).with_children(props)])
            .render_node();
        depth_one(b"PROPFIND", base_url, self.href, &body)
    }

    fn parse_response(
        &self,
        parts: &http::response::Parts,
        body: &[u8],
    ) -> Result<Self::Response, String> {
        let text = multistatus(parts, body)?;
        let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
        let dav = |n: &roxmltree::Node, name: &str| {
            n.tag_name().name() == name && n.tag_name().namespace() == Some("DAV:")
        };
        // A property the server does not have comes back empty (in a 404 propstat): absent.
        let value = |r: &roxmltree::Node, name: &str, ns: &str| {
            r.descendants()
                .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ns))
                .and_then(|c| c.text())
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
        };
        let mut out = std::collections::HashMap::new();
        for r in doc.root_element().children().filter(|c| dav(c, "response")) {
            let Some(href) = r.children().find(|c| dav(c, "href")).and_then(|c| c.text()) else {
                continue;
            };
            let tags = Tags {
                ctag: value(&r, "getctag", names::CALENDAR_SERVER),
                token: value(&r, "sync-token", "DAV:"),
            };
            if tags.ctag.is_some() || tags.token.is_some() {
                out.insert(normalise_collection(href), tags);
            }
        }
        Ok(out)
    }
}

/// A collection path compared without scheme and host and with one trailing slash.
pub(super) fn normalise_collection(href: &str) -> String {
    let path = match href.find("://") {
        Some(i) => href[i + 3..]
            .find('/')
            .map(|j| &href[i + 3 + j..])
            .unwrap_or("/"),
        None => href,
    };
    format!("{}/", path.trim_end_matches('/'))
}

/// The collection that holds `href` (the home of an address book).
pub(super) fn parent_collection(href: &str) -> String {
    let n = normalise_collection(href);
    let t = n.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => format!("{}/", &t[..i]),
        None => "/".into(),
    }
}
