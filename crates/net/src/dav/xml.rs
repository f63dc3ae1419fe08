//! The WebDAV requests libdav 0.10 lacks, written with its XML builder: RFC 6578
//! sync-collection, the change check's PROPFIND for `CS:getctag` and `DAV:sync-token`, and an
//! addressbook-multiget that asks for vCard 4.0. Each parses a 207 multistatus into the
//! [`Remote`](super::Remote)'s data. [`write_refusal`] reads the body of a refused write.

use super::{DavError, Delta, Tags};
use http::Uri;
use libdav::carddav::{GetAddressBookResources, GetAddressBookResourcesResponse};
use libdav::names;
use libdav::requests::{DavRequest, ParseResponseError};
use libdav::xmlutils::XmlNode;
use vernetzt_core::sync::Precondition;

/// libdav's addressbook-multiget, asking for the cards as vCard 4.0 (RFC 6352 §10.4
/// `address-data` with `version`). SabreDAV, Nextcloud's engine, hands a stored 4.0 card out as
/// 3.0 (with the same ETag) unless 4.0 is asked for; read as 3.0, the card the sync pushed would
/// come back with its 4.0-only properties gone, and look like a change to merge and push again.
pub(super) struct Vcard4Multiget<'a>(pub(super) GetAddressBookResources<'a>);

/// What libdav writes for the property, and what asks for 4.0 instead.
const ADDRESS_DATA: (&str, &str) = (
    "<CARD:address-data/>",
    "<CARD:address-data content-type=\"text/vcard\" version=\"4.0\"/>",
);

impl DavRequest for Vcard4Multiget<'_> {
    type Response = GetAddressBookResourcesResponse;
    type ParseError = ParseResponseError;
    type Error<E> = libdav::dav::WebDavError<E>;

    fn prepare_request(&self, base_url: Uri) -> Result<http::Request<String>, http::Error> {
        let (parts, body) = self.0.prepare_request(base_url)?.into_parts();
        debug_assert!(
            body.contains(ADDRESS_DATA.0),
            "libdav's body changed: {body}"
        );
        let body = body.replacen(ADDRESS_DATA.0, ADDRESS_DATA.1, 1);
        Ok(http::Request::from_parts(parts, body))
    }

    fn parse_response(
        &self,
        parts: &http::response::Parts,
        body: &[u8],
    ) -> Result<Self::Response, ParseResponseError> {
        self.0.parse_response(parts, body)
    }
}

/// What the body of a write the server did not store says: the status inside a 207
/// Multi-Status (an old Xandikos answers a failed PUT so) and the precondition a `DAV:error`
/// names (`no-uid-conflict` with its href, `valid-address-data`, …). SabreDAV's own elements
/// (`s:exception`, `s:message`) and `DAV:responsedescription` name none.
pub(super) fn write_refusal(body: &[u8]) -> (Option<u16>, Option<Precondition>) {
    let Some(doc) = std::str::from_utf8(body)
        .ok()
        .and_then(|t| roxmltree::Document::parse(t).ok())
    else {
        return (None, None);
    };
    let dav = |n: &roxmltree::Node, name: &str| {
        n.tag_name().name() == name && n.tag_name().namespace() == Some("DAV:")
    };
    let inner = doc
        .descendants()
        .find(|n| dav(n, "status"))
        .and_then(|n| n.text())
        .and_then(|t| t.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok());
    let precondition = doc
        .descendants()
        .filter(|n| dav(n, "error"))
        .flat_map(|e| e.children().filter(|c| c.is_element()))
        .find(|c| {
            matches!(
                c.tag_name().namespace(),
                Some("DAV:" | "urn:ietf:params:xml:ns:carddav" | "urn:ietf:params:xml:ns:caldav")
            ) && c.tag_name().name() != "responsedescription"
        })
        .map(|c| match c.tag_name().name() {
            "no-uid-conflict" => Precondition::UidConflict(
                c.descendants()
                    .find(|h| dav(h, "href"))
                    .and_then(|h| h.text())
                    .map(|t| normalise_href(t.trim())),
            ),
            other => Precondition::Other(other.to_string()),
        });
    (inner, precondition)
}

/// An href as the sync keeps it: the path, without scheme and host.
fn normalise_href(href: &str) -> String {
    match href.find("://") {
        Some(i) => href[i + 3..]
            .find('/')
            .map(|j| href[i + 3 + j..].to_string())
            .unwrap_or_else(|| "/".into()),
        None => href.to_string(),
    }
}

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
    format!("{}/", normalise_href(href).trim_end_matches('/'))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multiget_asks_for_vcard_4() {
        let r = Vcard4Multiget(GetAddressBookResources::new("/book/").with_hrefs(["/book/a.vcf"]));
        let req = r
            .prepare_request(Uri::from_static("https://dav.example"))
            .unwrap();
        let body = req.body();
        assert!(
            body.contains(r#"<CARD:address-data content-type="text/vcard" version="4.0"/>"#),
            "{body}"
        );
        let ct = req.headers()["Content-Type"].to_str().unwrap();
        assert!(
            ct.starts_with("application/xml"),
            "Xandikos wants XML: {ct}"
        );
    }

    #[test]
    fn refusals_as_the_servers_write_them() {
        let cases: &[(&str, Option<u16>, Option<Precondition>)] = &[
            // Xandikos 0.4.10: a card without FN, a second event with one UID.
            (
                r#"<ns0:error xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:carddav"><ns1:valid-address-data /><ns0:responsedescription>Not a valid vCard file: Invalid VCard file</ns0:responsedescription></ns0:error>"#,
                None,
                Some(Precondition::Other("valid-address-data".into())),
            ),
            (
                r#"<ns0:error xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:caldav"><ns1:no-uid-conflict /><ns0:responsedescription>UID already in use.</ns0:responsedescription></ns0:error>"#,
                None,
                Some(Precondition::UidConflict(None)),
            ),
            // Xandikos 0.2.8 (Debian 12): the same refusal as a 207 to the PUT.
            (
                r#"<ns0:multistatus xmlns:ns0="DAV:" xmlns:ns1="urn:ietf:params:xml:ns:caldav"><ns0:response><ns0:href>http%3A//127.0.0.1%3A18092/anna/calendars/calendar/e2.ics</ns0:href><ns0:status>HTTP/1.1 412 Precondition Failed</ns0:status><ns0:error><ns1:no-uid-conflict /></ns0:error><ns0:responsedescription>UID already in use.</ns0:responsedescription></ns0:response></ns0:multistatus>"#,
                Some(412),
                Some(Precondition::UidConflict(None)),
            ),
            // RFC 4791's form, with the href of the object that has the UID.
            (
                r#"<D:error xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict><D:href>https://dav.example/cal/other.ics</D:href></C:no-uid-conflict></D:error>"#,
                None,
                Some(Precondition::UidConflict(Some("/cal/other.ics".into()))),
            ),
            // SabreDAV: a failed If-Match names no precondition ("changed there").
            (
                r#"<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:sabredav-version>4.7.1</s:sabredav-version><s:exception>Sabre\DAV\Exception\PreconditionFailed</s:exception><s:message>An If-Match header was specified, but none of the specified ETags matched.</s:message><s:header>If-Match</s:header></d:error>"#,
                None,
                None,
            ),
            ("", None, None),
            ("not xml", None, None),
        ];
        for (body, status, pre) in cases {
            assert_eq!(
                &write_refusal(body.as_bytes()),
                &(*status, pre.clone()),
                "{body}"
            );
        }
    }
}
