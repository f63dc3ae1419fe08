"""Parses every .ics and .eml in a folder with python's `icalendar` and `email` (independent of
Vernetzt's own reader) and prints one JSON summary per file, for the Rust tests to compare."""
import email
import email.policy
import json
import os
import sys

import icalendar


def attendees(ev):
    a = ev.get("ATTENDEE")
    if a is None:
        return []
    if not isinstance(a, list):
        a = [a]
    return [{"cn": str(x.params.get("CN")), "addr": str(x).lower(), "partstat": str(x.params.get("PARTSTAT")),
             "rsvp": str(x.params.get("RSVP")), "role": str(x.params.get("ROLE"))} for x in a]


def summarize_cal(raw):
    cal = icalendar.Calendar.from_ical(raw)
    ev = cal.walk("VEVENT")[0]
    return {
        "method": str(cal.get("METHOD")),
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "sequence": int(ev.get("SEQUENCE", 0)),
        "status": str(ev.get("STATUS")),
        "location": str(ev.get("LOCATION")) if ev.get("LOCATION") is not None else None,
        "start": ev.decoded("DTSTART").isoformat(),
        "tzids": [str(t.get("TZID")) for t in cal.walk("VTIMEZONE")],
        "organizer": str(ev.get("ORGANIZER")).lower(),
        "attendees": attendees(ev),
        "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        "max_line": max(len(l) for l in raw.split(b"\r\n")),
    }


out = []
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    with open(path, "rb") as f:
        raw = f.read()
    if name.endswith(".ics"):
        out.append({"file": name, "kind": "ics", **summarize_cal(raw)})
    elif name.endswith(".eml"):
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        cal_parts = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        alt = [p for p in msg.walk() if p.get_content_type() == "multipart/alternative"]
        plain = next((p for p in msg.walk() if p.get_content_type() == "text/plain"), None)
        inline = cal_parts[0]
        out.append({
            "file": name,
            "kind": "eml",
            "to": str(msg["To"]),
            "to_addr": msg["To"].addresses[0].addr_spec.lower(),
            "to_name": msg["To"].addresses[0].display_name,
            "from": str(msg["From"]),
            "subject": str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "header_names": [k.lower() for k in msg.keys()],
            "alternative": len(alt) == 1,
            "calendar_parts": len(cal_parts),
            "calendar_method_param": inline.get_param("method"),
            "calendar_charset": inline.get_param("charset"),
            "attachment": any(p.get_content_disposition() == "attachment" for p in cal_parts),
            "text": plain.get_content() if plain is not None else None,
            "calendar": summarize_cal(inline.get_content().encode("utf-8")),
        })
print(json.dumps(out, ensure_ascii=False))
