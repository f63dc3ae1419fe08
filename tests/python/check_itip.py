"""Independent check of what Vernetzt writes for invitations: python's `icalendar` parses the
.ics, python's `email` parses the .eml. Prints a JSON summary for the Rust test to compare."""
import email
import email.policy
import json
import sys

import icalendar

ics_path, eml_path = sys.argv[1], sys.argv[2]
with open(ics_path, "rb") as f:
    raw = f.read()
cal = icalendar.Calendar.from_ical(raw)
ev = cal.walk("VEVENT")[0]
attendees = ev.get("ATTENDEE")
if not isinstance(attendees, list):
    attendees = [attendees]
with open(eml_path, "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
parts = [(p.get_content_type(), p.get_param("method"), p.get_content_disposition()) for p in msg.walk()]
calendar_part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
print(json.dumps({
    "method": str(cal.get("METHOD")),
    "uid": str(ev.get("UID")),
    "summary": str(ev.get("SUMMARY")),
    "start": ev.decoded("DTSTART").isoformat(),
    "end": ev.decoded("DTEND").isoformat(),
    "tzids": [str(t.get("TZID")) for t in cal.walk("VTIMEZONE")],
    "attendees": [{"cn": str(a.params.get("CN")), "addr": str(a), "partstat": str(a.params.get("PARTSTAT")), "rsvp": str(a.params.get("RSVP"))} for a in attendees],
    "organizer_cn": str(ev.get("ORGANIZER").params.get("CN")),
    "to": str(msg["To"]),
    "subject": str(msg["Subject"]),
    "headers": [k.lower() for k in msg.keys()],
    "parts": parts,
    "calendar_text_matches": calendar_part.get_content().replace("\r\n", "\n") == raw.decode("utf-8").replace("\r\n", "\n"),
    "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
    "max_line_octets": max(len(l) for l in raw.split(b"\r\n")),
}, ensure_ascii=False))
