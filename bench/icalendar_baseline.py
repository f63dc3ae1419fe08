"""Baseline for docs/benchmarks.md: python's `icalendar` parsing the same feed and listing a year
of occurrences with `recurring_ical_events` (the usual companion for expansion).

Run by scripts/bench-feed.sh in its own virtualenv. Prints wall times; peak memory is measured
outside (by /usr/bin/time)."""
import sys
import time

import icalendar

path = sys.argv[1]
with open(path, "rb") as f:
    data = f.read()
t0 = time.perf_counter()
cal = icalendar.Calendar.from_ical(data)
events = cal.walk("VEVENT")
t1 = time.perf_counter()
print(f"icalendar {icalendar.__version__}: parsed {len(events)} VEVENTs in {(t1 - t0) * 1000:.0f} ms")
try:
    import datetime as dt

    import recurring_ical_events

    t2 = time.perf_counter()
    start = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.timezone.utc)
    occ = recurring_ical_events.of(cal).between(start, start + dt.timedelta(days=365))
    t3 = time.perf_counter()
    print(f"recurring_ical_events: {len(occ)} occurrences in a year in {(t3 - t2) * 1000:.0f} ms")
except ImportError:
    pass
