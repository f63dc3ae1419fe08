"""The parts of an iMIP e-mail that decide whether Outlook shows Accept and Decline, read with
python's `email`: where the first inline text/calendar part sits in the MIME tree, its method
and charset parameters, the METHOD in its body, the recipients, and per TZID of the body whether
a VTIMEZONE with yearly rules stands for it. Usage: eml_layout.py FILE.eml -> one JSON object."""
import email
import email.policy
import email.utils
import json
import sys

import icalendar


def calendar_part(part, path):
    """(path of content types from the root, part) of the first inline text/calendar part."""
    path = path + [part.get_content_type()]
    if part.is_multipart():
        for sub in part.iter_parts():
            found = calendar_part(sub, path)
            if found:
                return found
        return None
    if part.get_content_type() == "text/calendar" and part.get_content_disposition() != "attachment":
        return path, part
    return None


with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)
found = calendar_part(msg, [])
out = {"calendar_path": None}
if found:
    path, part = found
    body = part.get_content()
    cal = icalendar.Calendar.from_ical(body)
    zones = {}
    for tz in cal.walk("VTIMEZONE"):
        kinds = {}
        for sub in tz.subcomponents:
            kinds.setdefault(sub.name, []).append("RRULE" in sub)
        zones[str(tz.get("TZID"))] = kinds
    tzids = set()
    for comp in cal.walk():
        for value in comp.values():
            for v in value if isinstance(value, list) else [value]:
                params = getattr(v, "params", None)
                if params and "TZID" in params:
                    tzids.add(str(params["TZID"]))
    organizer = next((str(ev.get("ORGANIZER")) for ev in cal.walk("VEVENT") if ev.get("ORGANIZER")), "")
    out = {
        "calendar_path": path,
        "disposition": part.get_content_disposition(),
        "method_param": (part.get_param("method") or "").upper(),
        "charset": (part.get_content_charset() or "").lower(),
        "body_method": str(cal.get("METHOD") or ""),
        "tzids": sorted(tzids),
        "zones": zones,
        "organizer": organizer.lower().removeprefix("mailto:"),
    }
out["recipients"] = [a.lower() for _, a in email.utils.getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))]
print(json.dumps(out))
