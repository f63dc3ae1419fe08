"""Reads every VEVENT's DTSTART and DTEND of an .ics twice: once through the VTIMEZONE the file
carries (python icalendar's Timezone.to_tz, which evaluates the observances and their RRULEs, as
a client without a zone database such as Outlook must), once through the IANA zone of the TZID.
Usage: tz_check.py FILE.ics -> JSON list of {prop, local, via_vtimezone, via_iana} in UTC."""
import json
import sys
import zoneinfo
from datetime import timezone

import icalendar

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
# lookup_tzid=False: build the zone from the observances, not from the name.
zones = {str(tz.get("TZID")): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
out = []
for ev in cal.walk("VEVENT"):
    for prop in ("DTSTART", "DTEND"):
        v = ev.get(prop)
        tzid = v.params.get("TZID") if v is not None else None
        if not tzid:
            continue
        naive = v.dt.replace(tzinfo=None)
        tz = zones[str(tzid)]
        via_vtimezone = (tz.localize(naive) if hasattr(tz, "localize") else naive.replace(tzinfo=tz))
        via_iana = naive.replace(tzinfo=zoneinfo.ZoneInfo(str(tzid)))
        out.append({
            "prop": prop,
            "local": naive.isoformat(),
            "via_vtimezone": via_vtimezone.astimezone(timezone.utc).isoformat(),
            "via_iana": via_iana.astimezone(timezone.utc).isoformat(),
        })
print(json.dumps(out))
