import { describe, expect, it } from 'vitest';
import type { InvitePreview, Occurrence, ReplyImport, RsvpCounts, SendReport } from '../backend';
import { occurrence } from '../dev/fixtures/occurrence';
import { catalogs } from './i18n';
import {
  PARTSTATS,
  TEMPLATE_PLACEHOLDERS,
  attendedChoices,
  attendedLabel,
  attendedWindow,
  countEntries,
  countsText,
  deliveryLabel,
  emptyFilterForm,
  emptyInviteSettings,
  emptyOwnEventForm,
  fileName,
  formFromInput,
  hasSelection,
  inviteErrorMessage,
  inviteSettingValues,
  inviteSettingsProblems,
  invitedText,
  inviteeFilter,
  isFilterEmpty,
  normalizeDate,
  normalizeTime,
  ownEventField,
  ownEventInput,
  ownEventMessage,
  ownEventProblems,
  partstatLabel,
  previewAnnouncement,
  previewCountText,
  previewRestText,
  replyImportText,
  sendReportText,
  settingInputId,
  shiftDate,
  smtpConfigured,
  suggestEnd,
  writtenText,
} from './invitations';

const person = (id: number, email: string | null) => ({ contact_id: id, name: `Person ${id}`, email, organization: null });

describe('dates and times of the form', () => {
  it('reads ISO and German dates and refuses impossible ones', () => {
    expect(normalizeDate('2027-03-24')).toBe('2027-03-24');
    expect(normalizeDate(' 24.3.2027 ')).toBe('2027-03-24');
    expect(normalizeDate('31.02.2027')).toBe('');
    expect(normalizeDate('2027-13-01')).toBe('');
    expect(normalizeDate('morgen')).toBe('');
  });

  it('reads clock times as typed in German offices', () => {
    expect(normalizeTime('9:30')).toBe('09:30');
    expect(normalizeTime('09.30')).toBe('09:30');
    expect(normalizeTime('14')).toBe('14:00');
    expect(normalizeTime('14:00 Uhr')).toBe('14:00');
    expect(normalizeTime('09:30:00')).toBe('09:30');
    expect(normalizeTime('24:00')).toBe('');
    expect(normalizeTime('9:75')).toBe('');
  });

  it('shifts dates across months and years', () => {
    expect(shiftDate('2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftDate('2027-03-01', -1)).toBe('2027-02-28');
  });

  it('suggests an end one hour after the start, the next day after 23:00', () => {
    expect(suggestEnd('2027-03-24', '09:30')).toEqual({ endDate: '2027-03-24', endTime: '10:30' });
    expect(suggestEnd('2027-03-24', '23:15')).toEqual({ endDate: '2027-03-25', endTime: '00:15' });
    expect(suggestEnd('2027-03-24', '')).toEqual({ endDate: '2027-03-24', endTime: '' });
    expect(suggestEnd('', '09:00')).toEqual({ endDate: '', endTime: '' });
  });
});

describe('the own-event form', () => {
  const filled = () => ({
    ...emptyOwnEventForm(),
    title: '  OZG-Erfahrungsaustausch  ',
    startDate: '2027-03-24',
    startTime: '09:30',
    endDate: '2027-03-24',
    endTime: '16:00',
    location: ' Erfurt ',
  });

  it('starts empty in Berlin time', () => {
    const f = emptyOwnEventForm();
    expect(f.tz).toBe('Europe/Berlin');
    expect(f.allDay).toBe(false);
  });

  it('sends local times in the zone, trimmed, empty fields as null', () => {
    expect(ownEventInput(filled())).toEqual({
      title: 'OZG-Erfahrungsaustausch',
      start: '2027-03-24T09:30',
      end: '2027-03-24T16:00',
      tz: 'Europe/Berlin',
      location: 'Erfurt',
      description: null,
      url: null,
    });
  });

  it('sends all-day events as dates with an exclusive end; an empty last day is the first', () => {
    const f = { ...filled(), allDay: true, endDate: '2027-03-25' };
    expect(ownEventInput(f)).toMatchObject({ start: '2027-03-24', end: '2027-03-26', tz: null });
    expect(ownEventInput({ ...f, endDate: '' })).toMatchObject({ start: '2027-03-24', end: '2027-03-25' });
    expect(ownEventInput({ ...f, startDate: '24.03.2027', endDate: '' })).toMatchObject({ start: '2027-03-24', end: '2027-03-25' });
  });

  it('is filled from the backend shape, the exclusive end shown as the last day', () => {
    const timed = formFromInput({ title: 'T', start: '2027-03-24T09:30', end: '2027-03-25T16:00', tz: 'Europe/Vienna', location: null });
    expect(timed).toMatchObject({ allDay: false, startDate: '2027-03-24', startTime: '09:30', endDate: '2027-03-25', endTime: '16:00', tz: 'Europe/Vienna', location: '' });
    const allDay = formFromInput({ title: 'T', start: '2027-03-24', end: '2027-03-26', tz: null });
    expect(allDay).toMatchObject({ allDay: true, startDate: '2027-03-24', endDate: '2027-03-25', tz: 'Europe/Berlin' });
    // Round trip.
    expect(ownEventInput(allDay)).toMatchObject({ start: '2027-03-24', end: '2027-03-26' });
  });

  it('finds what is missing before sending, field by field', () => {
    expect(ownEventProblems(filled())).toEqual({});
    expect(ownEventProblems(emptyOwnEventForm())).toEqual({
      'oe-title': 'title_required',
      'oe-start-date': 'date_required',
      'oe-start-time': 'time_required',
      'oe-end-time': 'time_required',
    });
    expect(ownEventProblems({ ...filled(), startTime: '25:00' })).toEqual({ 'oe-start-time': 'clock_invalid' });
    expect(ownEventProblems({ ...filled(), endTime: '09:00' })).toEqual({ 'oe-end-time': 'end_before_start' });
    expect(ownEventProblems({ ...filled(), endDate: '2027-03-23' })).toEqual({ 'oe-end-date': 'end_before_start' });
    expect(ownEventProblems({ ...filled(), allDay: true, endDate: '2027-03-23' })).toEqual({ 'oe-end-date': 'end_before_start' });
    expect(ownEventProblems({ ...filled(), allDay: true, startTime: '', endTime: '' })).toEqual({});
    expect(ownEventProblems({ ...filled(), title: 'x'.repeat(501) })).toEqual({ 'oe-title': 'title_too_long' });
    expect(ownEventProblems({ ...filled(), url: 'https://a b' })).toEqual({ 'oe-url': 'url_invalid' });
  });

  it('puts backend errors at the field', () => {
    const f = filled();
    const e = (field: string, code = 'x') => ({ kind: 'validation', code, field, message: code });
    expect(ownEventField(e('title'), f)).toBe('oe-title');
    expect(ownEventField(e('start', 'time_invalid'), f)).toBe('oe-start-date');
    expect(ownEventField(e('end', 'end_before_start'), f)).toBe('oe-end-time');
    expect(ownEventField(e('end', 'end_before_start'), { ...f, endDate: '2027-03-25' })).toBe('oe-end-date');
    expect(ownEventField(e('tz', 'tz_unknown'), f)).toBe('oe-tz');
    expect(ownEventField({ kind: 'database', message: 'x' }, f)).toBeNull();
    expect(ownEventField('boom', f)).toBeNull();
  });

  it('words every code the backend and the form use', () => {
    for (const code of ['title_required', 'tz_unknown', 'time_invalid', 'time_mixed', 'end_before_start', 'date_required', 'time_required', 'clock_invalid']) {
      expect(ownEventMessage(code, 'de')).not.toBe(catalogs.de['error.kind.validation']);
      expect(ownEventMessage(code, 'en')).toBe(catalogs.en[`own_event.error.${code}`]);
    }
    expect(ownEventMessage('email_invalid', 'de')).toBe(catalogs.de['error.code.email_invalid']);
  });
});

describe('the invitee filter', () => {
  it('sends only the criteria that are set', () => {
    expect(inviteeFilter(emptyFilterForm())).toEqual({});
    expect(isFilterEmpty(emptyFilterForm())).toBe(true);
    const f = { ...emptyFilterForm(), level: 'land' as const, land: '09', org: '12', tag: ' Taskforce ', themenfeld: 'gesundheit', attended: 'erfa@fitko' };
    expect(inviteeFilter(f)).toEqual({ level: 'land', land: '09', org: 12, tag: 'Taskforce', themenfeld: 'gesundheit', attended: 'erfa@fitko' });
    expect(isFilterEmpty(f)).toBe(false);
  });

  it('ignores blank text and a bad organisation id', () => {
    expect(inviteeFilter({ ...emptyFilterForm(), tag: '   ', org: 'abc' })).toEqual({});
  });

  it('has a selection with a pick or a criterion', () => {
    expect(hasSelection([], emptyFilterForm())).toBe(false);
    expect(hasSelection([3], emptyFilterForm())).toBe(true);
    expect(hasSelection([], { ...emptyFilterForm(), tag: 'EfA' })).toBe(true);
  });
});

describe('count texts', () => {
  const p: InvitePreview = {
    ready: Array.from({ length: 23 }, (_, i) => person(i, `p${i}@example.de`)),
    without_email: [person(100, null), person(101, null), person(102, null)],
    already_invited: [person(200, 'x@example.de')],
  };

  it('says how many will be invited, as the issue asks', () => {
    expect(previewCountText(p, 'de')).toBe('23 Personen werden eingeladen');
    expect(previewCountText({ ...p, ready: [person(1, 'a@b.de')] }, 'de')).toBe('1 Person wird eingeladen');
    expect(previewCountText(p, 'en')).toBe('23 people will be invited');
    expect(previewCountText(null, 'de')).toBe('Noch niemand ausgewählt.');
  });

  it('adds the missing addresses and the already invited', () => {
    expect(previewRestText(p, 'de')).toBe('3 ohne E-Mail-Adresse, 1 bereits eingeladen');
    expect(previewRestText({ ...p, without_email: [], already_invited: [] }, 'de')).toBe('');
    expect(previewAnnouncement(p, 'de')).toBe('23 Personen werden eingeladen (3 ohne E-Mail-Adresse, 1 bereits eingeladen)');
    expect(previewAnnouncement(null, 'en')).toBe('Nobody chosen yet.');
    expect(invitedText(p, 'de')).toBe('23 Personen eingeladen (3 ohne E-Mail-Adresse, 1 bereits eingeladen)');
  });

  it('formats large numbers for the language', () => {
    const many = { ready: Array.from({ length: 1200 }, (_, i) => person(i, `${i}@x.de`)), without_email: [], already_invited: [] };
    expect(previewCountText(many, 'de')).toBe('1.200 Personen werden eingeladen');
  });
});

describe('the "attended" picker', () => {
  const occ = (uid: string, title: string, start: string, allDay = false): Occurrence =>
    occurrence({ uid, title, start, end: start, all_day: allDay });

  it('lists each event once, newest first, without the event being planned', () => {
    const list = attendedChoices(
      [
        occ('jf', 'Jour fixe', '2026-01-10T09:00:00Z'),
        occ('erfa', 'Erfahrungsaustausch', '2026-03-01T09:00:00Z'),
        occ('jf', 'Jour fixe', '2026-02-10T09:00:00Z'),
        occ('self', 'Diese Veranstaltung', '2026-04-01T09:00:00Z'),
      ],
      'self',
    );
    expect(list.map((c) => [c.uid, c.start])).toEqual([
      ['erfa', '2026-03-01T09:00:00Z'],
      ['jf', '2026-02-10T09:00:00Z'],
    ]);
  });

  it('labels entries with the date in the zone; all-day dates as they are', () => {
    expect(attendedLabel({ uid: 'a', title: 'Konferenz', start: '2026-01-14T23:30:00Z', allDay: false }, 'de', 'Europe/Berlin')).toBe('Konferenz (15.01.2026)');
    expect(attendedLabel({ uid: 'a', title: 'Labor', start: '2026-01-14', allDay: true }, 'de', 'Pacific/Auckland')).toBe('Labor (14.01.2026)');
  });

  it('asks for the last three years up to tomorrow', () => {
    expect(attendedWindow(new Date('2026-05-20T10:15:00Z'))).toEqual({ from: '2023-05-20T10:15:00Z', to: '2026-05-21T10:15:00Z' });
  });
});

describe('answers and delivery', () => {
  const counts: RsvpCounts = { invited: 7, accepted: 3, declined: 1, tentative: 1, delegated: 0, needs_action: 2 };

  it('names the answers in German and English', () => {
    expect(PARTSTATS.map((p) => partstatLabel(p, 'de'))).toEqual(['Zugesagt', 'Abgesagt', 'Vielleicht', 'Delegiert', 'Keine Antwort']);
    expect(partstatLabel('accepted', 'en')).toBe('Accepted');
    expect(partstatLabel('x-unknown', 'de')).toBe('x-unknown');
    expect(deliveryLabel('sent', 'de')).toBe('Versendet');
    expect(deliveryLabel('failed', 'en')).toBe('Failed');
  });

  it('orders the counts for the overview', () => {
    expect(countEntries(counts)).toEqual([
      ['accepted', 3],
      ['declined', 1],
      ['tentative', 1],
      ['delegated', 0],
      ['needs-action', 2],
    ]);
    expect(countsText(counts, 'de')).toBe('Zugesagt 3, Abgesagt 1, Vielleicht 1, Delegiert 0, Keine Antwort 2');
  });
});

describe('reports', () => {
  it('names a written export with the folder', () => {
    expect(writtenText({ dir: '/tmp/x', files: ['/tmp/x/einladung.ics', '/tmp/x/a.eml'] }, 'de')).toBe('2 Dateien gespeichert in /tmp/x');
    expect(writtenText({ dir: 'C:\\Daten', files: ['C:\\Daten\\rueckmeldungen.csv'] }, 'en')).toBe('1 file saved in C:\\Daten');
    expect(fileName('/tmp/x/einladung.ics')).toBe('einladung.ics');
    expect(fileName('C:\\Daten\\rueckmeldungen.csv')).toBe('rueckmeldungen.csv');
  });

  it('sums up an imported reply', () => {
    const r: ReplyImport = { report: { applied: 1, stale: 0, unknown_event: 0, unknown_attendee: [], events: ['u'] }, found: 1, warnings: [] };
    expect(replyImportText(r, 'de')).toBe('1 Antwort übernommen');
    const mixed: ReplyImport = {
      report: { applied: 2, stale: 1, unknown_event: 1, unknown_attendee: ['x@y.de'], events: ['u'] },
      found: 5,
      warnings: ['line 3: no UID'],
    };
    expect(replyImportText(mixed, 'de')).toBe(
      '2 Antworten übernommen, 1 ältere Antwort nicht übernommen, 1 Antwort zu einer unbekannten Veranstaltung, 1 Absender nicht auf der Liste',
    );
    expect(replyImportText({ ...r, found: 0 }, 'de')).toBe(catalogs.de['reply.none_found']);
  });

  it('sums up a send run, with failures', () => {
    const r: SendReport = { sent: 3, requests: 2, cancels: 1, failed: [{ email: 'a@b.de', error: '550' }], uncertain: [], remaining: 0, stopped: null };
    expect(sendReportText(r, 'de')).toBe('3 E-Mails gesendet (Einladungen: 2, Absagen: 1), 1 fehlgeschlagen');
    const none: SendReport = { sent: 0, requests: 0, cancels: 0, failed: [], uncertain: [], remaining: 0, stopped: null };
    expect(sendReportText(none, 'de')).toBe(catalogs.de['send.nothing']);
    expect(sendReportText({ ...none, uncertain: ['x@y.de'], remaining: 4 }, 'en')).toBe(
      '0 e-mails sent (invitations: 0, cancellations: 0), 1 unclear, 4 not sent yet',
    );
  });
});

describe('errors of invitation actions', () => {
  it('explain a missing organiser and SMTP problems, with the server detail', () => {
    const missing = { kind: 'validation', code: 'organizer_missing', field: 'organizer_email', message: 'set it' };
    expect(inviteErrorMessage(missing, 'de')).toMatch(/Einstellungen → Einladungen/);
    const down = { kind: 'network', code: 'smtp_unreachable', field: 'smtp_url', message: 'connection refused' };
    expect(inviteErrorMessage(down, 'de')).toMatch(/nicht erreichbar.*\(connection refused\)$/);
    expect(inviteErrorMessage({ kind: 'keyring', message: 'no secret service' }, 'en')).toMatch(/keyring.*no secret service/);
  });

  it('falls back to the general wording', () => {
    expect(inviteErrorMessage({ kind: 'not_found', message: 'own event x' }, 'de')).toBe(catalogs.de['error.kind.not_found']);
  });
});

describe('invitation settings', () => {
  it('checks address, server, pace and password', () => {
    const f = emptyInviteSettings();
    expect(inviteSettingsProblems(f)).toEqual({});
    const ok = { ...f, organizer_email: 'ozg@bmi.bund.example', smtp_url: 'smtps://mail.bund.example', smtp_user: 'ozg', smtp_password: 'geheim', smtp_per_minute: '30' };
    expect(inviteSettingsProblems(ok)).toEqual({});
    expect(inviteSettingsProblems({ ...ok, smtp_url: 'smtp://mail.example.de:587' })).toEqual({});
    expect(inviteSettingsProblems({ ...ok, organizer_email: 'ozg@' })).toEqual({ 'set-organizer-email': 'email_invalid' });
    expect(inviteSettingsProblems({ ...ok, smtp_url: 'https://mail.example.de' })).toEqual({ 'set-smtp-url': 'smtp_url_invalid' });
    expect(inviteSettingsProblems({ ...ok, smtp_url: 'smtps://user@mail.example.de' })).toEqual({ 'set-smtp-url': 'smtp_url_invalid' });
    expect(inviteSettingsProblems({ ...ok, smtp_per_minute: '0' })).toEqual({ 'set-smtp-per-minute': 'per_minute_invalid' });
    expect(inviteSettingsProblems({ ...ok, smtp_per_minute: '2,5' })).toEqual({ 'set-smtp-per-minute': 'per_minute_invalid' });
    expect(inviteSettingsProblems({ ...ok, smtp_user: '' })).toEqual({ 'set-smtp-password': 'password_needs_server' });
    for (const code of ['email_invalid', 'smtp_url_invalid', 'per_minute_invalid', 'password_needs_server']) {
      expect(catalogs.en[`settings.error.${code}`], code).toBeTruthy();
    }
  });

  it('stores trimmed values and never the password', () => {
    const v = inviteSettingValues({ ...emptyInviteSettings(), organizer_name: ' Referat DV 1 ', invite_template: 'Guten Tag {name},\n\n  Text  \n\n', smtp_password: 'geheim' });
    expect(v.organizer_name).toBe('Referat DV 1');
    expect(v.invite_template).toBe('Guten Tag {name},\n\n  Text');
    expect(Object.keys(v)).not.toContain('smtp_password');
    expect(settingInputId('smtp_per_minute')).toBe('set-smtp-per-minute');
  });

  it('knows whether sending is set up and lists every placeholder', () => {
    expect(smtpConfigured(null)).toBe(false);
    expect(smtpConfigured('  ')).toBe(false);
    expect(smtpConfigured('smtps://mail.example.de')).toBe(true);
    expect(TEMPLATE_PLACEHOLDERS).toEqual(['name', 'titel', 'beginn', 'ende', 'ort', 'link', 'beschreibung', 'veranstalter']);
    for (const p of TEMPLATE_PLACEHOLDERS) expect(catalogs.de[`placeholder.${p}`], p).toBeTruthy();
  });
});
