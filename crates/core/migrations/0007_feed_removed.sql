-- A feed can be removed (issue 14). Its events the user has no history with go; the ones with
-- attendance, encounters, notes or a series stay, and so does the feed's row, marked removed:
-- it names the kept events' source in timelines and series, is never listed or synced again, and
-- keeps the kept events' identity (feed, UID, RECURRENCE-ID) apart from the user's own events.
-- A feed with nothing kept is deleted outright.
ALTER TABLE feeds ADD COLUMN removed_at TEXT;
