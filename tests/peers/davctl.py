#!/usr/bin/env python3
"""Another CardDAV/CalDAV client for the sync tests (crates/cli/tests/dav.rs): what a phone or a
second program would do on the same server, independent of Vernetzt's own client. Standard
library only; prints JSON.

    davctl.py [--ca FILE] --auth USER:PASS cards URL     # the cards of an address book
    davctl.py [--ca FILE] --auth USER:PASS members URL   # a collection's members (hrefs)
    davctl.py [--ca FILE] --auth USER:PASS put URL TYPE  # body on stdin; prints the status
    davctl.py [--ca FILE] --auth USER:PASS get URL       # prints {"status", "body"}

Cards are asked for as vCard 4.0 (SabreDAV converts to 3.0 otherwise), so a test sees what the
sync stored.
"""
import argparse
import base64
import json
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

DAV = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"

QUERY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    '<D:prop><D:getetag/><C:address-data content-type="text/vcard" version="4.0"/></D:prop>'
    "</C:addressbook-query>"
)
MEMBERS = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'
)


def request(args, method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method)
    token = base64.b64encode(args.auth.encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    ctx = ssl.create_default_context(cafile=args.ca) if args.ca else None
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def multistatus(args, method, url, body, depth):
    status, data = request(
        args,
        method,
        url,
        body.encode(),
        {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
    )
    if status != 207:
        sys.exit(f"{method} {url}: {status} {data[:300]!r}")
    return ET.fromstring(data).iter(DAV + "response")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ca")
    p.add_argument("--auth", required=True)
    p.add_argument("command", choices=["cards", "members", "put", "get"])
    p.add_argument("url")
    p.add_argument("type", nargs="?")
    args = p.parse_args()
    path = urllib.parse.urlsplit(args.url).path
    if args.command == "cards":
        out = []
        for r in multistatus(args, "REPORT", args.url, QUERY, "1"):
            href = urllib.parse.unquote(r.findtext(DAV + "href"))
            data = r.find(".//" + CARD + "address-data")
            if data is not None and data.text:
                out.append({"href": href, "text": data.text})
        print(json.dumps(out))
    elif args.command == "members":
        hrefs = []
        for r in multistatus(args, "PROPFIND", args.url, MEMBERS, "1"):
            href = urllib.parse.unquote(r.findtext(DAV + "href"))
            if href.rstrip("/") != path.rstrip("/"):
                hrefs.append(href)
        print(json.dumps(hrefs))
    elif args.command == "put":
        body = sys.stdin.buffer.read()
        status, _ = request(args, "PUT", args.url, body, {"Content-Type": args.type})
        print(json.dumps(status))
    else:
        status, data = request(args, "GET", args.url)
        print(json.dumps({"status": status, "body": data.decode("utf-8", "replace")}))


if __name__ == "__main__":
    main()
