// The development mock answers every exported backend function with a result of the right shape,
// so `npm run dev` cannot silently lack a command (the type check proves the contract; this proves
// the mock runs). It also pins the URL parameters documented at the top of mockBackend.ts.
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Backend, BackendError, ContactInput } from '../backend';
import type { MockHandlers } from './types';

// @tauri-apps/api's mockIPC and invoke use `window`; the tests run in node.
beforeAll(() => {
  if (!('window' in globalThis)) Object.defineProperty(globalThis, 'window', { value: globalThis, configurable: true });
});

/** A fresh mock (its data lives in module state) installed with `search` as the URL parameters. */
async function install(search = ''): Promise<Backend> {
  vi.resetModules();
  const { installMockBackend } = await import('./mockBackend');
  installMockBackend(new URLSearchParams(search), { latency: 0 });
  const { backend } = await import('../backend');
  return backend;
}

const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

const INPUT: ContactInput = {
  display_name: null,
  given_name: 'Erika',
  family_name: 'Mustermann',
  title: null,
  role: null,
  organization_id: null,
  emails: [{ value: 'erika@example.org', label: null }],
  phones: [],
  street: null,
  postal_code: null,
  locality: null,
  country: null,
  website: null,
  themenfelder: [],
  tags: [],
  photo: { action: 'keep' },
};

/** One call of each exported function, in an order where later calls use what earlier ones made. */
function everyCall(b: Backend): { [K in keyof Backend]: () => Promise<void> } {
  const ctx = { contact: 0, created: 0, note: 0, feed: 0, uid: '', eventId: 0, own: '', merge: 0, series: 0, followUp: 0 };
  return {
    appReady: async () => expect(await b.appReady()).toBeUndefined(),
    listContacts: async () => {
      const page = await b.listContacts(0, 50);
      expect(page.total).toBeGreaterThan(50);
      expect(page.items).toHaveLength(50);
      ctx.contact = page.items.find((i) => i.email !== null)?.id ?? 0;
    },
    searchContacts: async () => expect((await b.searchContacts('Brandt', 10)).length).toBeGreaterThan(0),
    getContact: async () => expect((await b.getContact(ctx.contact)).id).toBe(ctx.contact),
    createContact: async () => {
      const c = await b.createContact(INPUT, 'Kennengelernt beim Test');
      expect(c.name).toBe('Erika Mustermann');
      expect(c.notes).toHaveLength(1);
      ctx.created = c.id;
    },
    updateContact: async () => expect((await b.updateContact(ctx.created, { ...INPUT, role: 'CIO' })).role).toBe('CIO'),
    deleteContact: async () => expect(await b.deleteContact(ctx.created)).toBeUndefined(),
    listDeleted: async () => expect((await b.listDeleted()).map((d) => d.id)).toContain(ctx.created),
    restoreContact: async () => expect((await b.restoreContact(ctx.created)).id).toBe(ctx.created),
    eraseDeleted: async () => {
      await expect(b.eraseDeleted(ctx.created)).rejects.toMatchObject({ kind: 'not_found' });
      const gone = await b.createContact(INPUT, null);
      await b.deleteContact(gone.id);
      await b.eraseDeleted(gone.id);
      expect((await b.listDeleted()).map((d) => d.id)).not.toContain(gone.id);
    },
    addNote: async () => {
      const n = await b.addNote(ctx.created, 'Erste Notiz');
      expect(n.body).toBe('Erste Notiz');
      ctx.note = n.id;
    },
    updateNote: async () => expect((await b.updateNote(ctx.note, 'Geändert')).body).toBe('Geändert'),
    deleteNote: async () => expect(await b.deleteNote(ctx.note)).toBeUndefined(),
    listOrgs: async () => expect((await b.listOrgs()).length).toBeGreaterThan(16),
    createOrg: async () => expect((await b.createOrg({ name: 'Testamt' })).builtin).toBe(false),
    listLands: async () => expect(await b.listLands()).toHaveLength(16),
    listThemenfelder: async () => expect(await b.listThemenfelder()).toHaveLength(14),
    listRoles: async () => {
      const roles = await b.listRoles(ctx.created);
      expect(roles.map((r) => [r.function, r.to])).toEqual([['CIO', null]]);
    },
    changeRole: async () => {
      const change = { function: 'CDO', organization_id: null, themenfeld: null, from: '2026-03-01', correction: false };
      const roles = await b.changeRole(ctx.created, change);
      expect(roles.map((r) => [r.function, r.from, r.to])).toEqual([
        ['CDO', '2026-03-01', null],
        ['CIO', null, '2026-03-01'],
      ]);
      expect((await b.getContact(ctx.created)).role).toBe('CDO');
    },
    roleHolders: async () => {
      const query = { function: 'cdo', level: null, land: null, themenfeld: null, organization_id: null, at: null, vacant_only: false };
      expect((await b.roleHolders(query)).map((r) => r.contact_id)).toContain(ctx.created);
    },
    setSetting: async () => {
      await b.setSetting('organizer_email', 'orga@example.org');
      await b.setSetting('smtp_url', 'smtp://mail.example.org:587');
    },
    getSetting: async () => expect(await b.getSetting('organizer_email')).toBe('orga@example.org'),
    listFeeds: async () => expect((await b.listFeeds()).map((f) => f.name)).toContain('FITKO'),
    addFeed: async () => {
      const f = await b.addFeed({ url: 'webcal://kalender.example.org/termine.ics', name: null, auth: { kind: 'none' }, secret: null });
      expect(f.url).toBe('https://kalender.example.org/termine.ics');
      ctx.feed = f.id;
    },
    syncFeeds: async () => expect((await b.syncFeeds(ctx.feed))[0].counts?.added).toBe(2),
    removeFeed: async () => {
      expect(await b.removeFeed(ctx.feed)).toMatchObject({ feed_id: ctx.feed, deleted: 2, kept: 0 });
      expect((await b.listFeeds()).some((f) => f.id === ctx.feed)).toBe(false);
    },
    listEvents: async () => {
      const year = 365 * 86_400_000;
      const { occurrences: events, truncated } = await b.listEvents(new Date(Date.now() - year).toISOString(), new Date(Date.now() + year).toISOString(), null);
      expect(truncated).toBe(false);
      const exchange = events.find((o) => o.title === 'OZG-Erfahrungsaustausch der Länder');
      expect(exchange).toBeDefined();
      ctx.uid = exchange?.uid ?? '';
      ctx.eventId = exchange?.event_id ?? 0;
    },
    importPreview: async () => {
      const csv = await b.importPreview(base64('Vorname;Nachname\nAnna;Beispiel\n'));
      expect(csv.format).toBe('csv');
      expect(csv.csv?.headers.length).toBe(csv.csv?.mapping.columns.length);
      const vcf = await b.importPreview(base64('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Anna\r\nEND:VCARD\r\n'));
      expect(vcf.cards).toEqual([3, 1]);
    },
    importContacts: async () => {
      const r = await b.importContacts(base64('Vorname;Nachname\n'), { columns: ['given_name', 'family_name'] }, ctx.uid, null);
      expect(r.imported).toBe(r.contact_ids.length);
      expect(r.duplicates).toHaveLength(1);
      const again = await b.importPreview(base64('Vorname;Nachname\n'));
      expect(again.remembered?.columns).toEqual(['given_name', 'family_name']);
    },
    listDuplicates: async () => expect((await b.listDuplicates()).every((g) => g.length > 1)).toBe(true),
    mergeContacts: async () => {
      const [group] = await b.listDuplicates();
      const r = await b.mergeContacts(group[0].id, group[1].id);
      expect(r.contact.id).toBe(group[0].id);
      ctx.merge = r.merge_id;
      await expect(b.getContact(group[1].id)).rejects.toMatchObject({ kind: 'not_found' });
    },
    undoMerge: async () => expect(await b.undoMerge(ctx.merge)).toBeUndefined(),
    attendance: async () => expect((await b.attendance(ctx.uid, null)).event.uid).toBe(ctx.uid),
    markAttendance: async () => {
      await b.markAttendance(ctx.uid, null, ctx.contact, 'attended');
      const rows = (await b.attendance(ctx.uid, null)).rows;
      expect(rows.find((r) => r.contact_id === ctx.contact)?.status).toBe('attended');
    },
    addEncounter: async () => expect((await b.addEncounter(ctx.contact, ctx.uid, null, 'Panel', null)).event?.uid).toBe(ctx.uid),
    timeline: async () => expect((await b.timeline(ctx.contact)).map((i) => i.kind)).toEqual(expect.arrayContaining(['event', 'encounter'])),
    listFollowUps: async () => expect((await b.listFollowUps(true)).length).toBeGreaterThan(0),
    addFollowUp: async () => {
      const f = await b.addFollowUp(ctx.contact, '2030-01-31', 'Nachfassen');
      expect(f.done_at).toBeNull();
      ctx.followUp = f.id;
    },
    completeFollowUp: async () => expect(await b.completeFollowUp(ctx.followUp)).toBeUndefined(),
    setMe: async () => expect(await b.setMe(ctx.contact)).toBeUndefined(),
    getMe: async () => expect((await b.getMe())?.id).toBe(ctx.contact),
    ownCard: async () => expect((await b.ownCard()).vcard).toMatch(/^BEGIN:VCARD/),
    seriesSuggestions: async () => expect((await b.seriesSuggestions()).length).toBeGreaterThan(0),
    confirmSeries: async () => {
      ctx.series = await b.confirmSeries('Erfahrungsaustausch', [ctx.eventId]);
      expect(ctx.series).toBeGreaterThan(0);
    },
    listSeries: async () => expect((await b.listSeries()).map((s) => s.id)).toContain(ctx.series),
    seriesMatrix: async () => expect((await b.seriesMatrix(ctx.series)).series.events).toHaveLength(1),
    quickCapture: async () => {
      const c = await b.quickCapture({ name: 'Max Beispiel', organization: 'Stadt Köln', email: null, note: 'Am Stand' }, ctx.uid, null);
      expect(c.organization).toBe('Stadt Köln');
    },
    createOwnEvent: async () => {
      const e = await b.createOwnEvent({ title: 'Werkstatt', start: '2030-05-02T10:00', end: '2030-05-02T12:00' });
      expect(e.start).toBe('2030-05-02T08:00:00Z');
      ctx.own = e.uid;
    },
    getOwnEvent: async () => expect((await b.getOwnEvent(ctx.own)).sequence).toBe(0),
    updateOwnEvent: async () =>
      expect(await b.updateOwnEvent(ctx.own, { title: 'Werkstatt', start: '2030-05-02T11:00', end: '2030-05-02T12:00' })).toBe(1),
    copyEvent: async () => expect((await b.copyEvent(ctx.eventId, null)).title).toBe('OZG-Erfahrungsaustausch der Länder'),
    invitePreview: async () => expect((await b.invitePreview(ctx.own, [ctx.contact], {})).ready).toHaveLength(1),
    inviteAdd: async () => expect((await b.inviteAdd(ctx.own, [ctx.contact], {})).ready).toHaveLength(1),
    rsvp: async () => expect((await b.rsvp(ctx.own)).counts.invited).toBe(1),
    exportInvitations: async () => expect((await b.exportInvitations(ctx.own, '/tmp/out')).files[0]).toBe('/tmp/out/einladung.ics'),
    exportRsvpCsv: async () => expect((await b.exportRsvpCsv(ctx.own, null)).files).toHaveLength(1),
    importReply: async () => {
      const r = await b.importReply(base64('BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n'));
      expect(r.report.applied).toBe(1);
      expect((await b.importReply(base64('BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'))).warnings).toHaveLength(1);
    },
    exportDirDefault: async () => expect(await b.exportDirDefault()).toMatch(/^\//),
    setSmtpPassword: async () => expect(await b.setSmtpPassword('smtp://mail.example.org:587', 'orga', 'geheim')).toBeUndefined(),
    sendInvitations: async () => expect((await b.sendInvitations(ctx.own)).requests).toBe(1),
    inviteRemove: async () => expect(await b.inviteRemove(ctx.own, [ctx.contact], [])).toBe(1),
    cancelOwnEvent: async () => expect(await b.cancelOwnEvent(ctx.own)).toBe(2),
    syncAccountGet: async () => expect((await b.syncAccountGet())?.user).toBe('anna.schmidt'),
    syncStatus: async () => expect(await b.syncStatus()).toMatchObject({ configured: true, conflicts: 2 }),
    listConflicts: async () => expect(await b.listConflicts()).toHaveLength(2),
    resolveConflict: async () => {
      const [c] = await b.listConflicts();
      await b.resolveConflict(c.id, 'remote');
      expect(await b.listConflicts()).toHaveLength(1);
    },
    syncAccountSet: async () => expect((await b.syncAccountSet('https://dav.example.org/', 'anna', 'geheim')).calendar).toBe('/anna/kalender/'),
    syncNow: async () => expect((await b.syncNow())?.pull_method).toBe('sync-collection'),
    privacyExport: async () => expect((await b.privacyExport(ctx.created, null)).files).toHaveLength(2),
    privacyStale: async () => expect(Array.isArray(await b.privacyStale(0))).toBe(true),
    privacyRecoveryKey: async () => expect(await b.privacyRecoveryKey()).toMatch(/^([0-9A-Z]{4}-){13}[0-9A-Z]{4}$/),
    privacyErase: async () => {
      await b.privacyErase([ctx.created]);
      await expect(b.getContact(ctx.created)).rejects.toMatchObject({ kind: 'not_found' });
    },
    openExternal: async () => expect(await b.openExternal('https://example.org/')).toBe(true),
    takeOpens: async () => expect(await b.takeOpens()).toEqual([]),
    accessibilityStatement: async () => expect((await b.accessibilityStatement()).arbitration_url).toBe('https://www.schlichtungsstelle-bgg.de'),
    reportBarrier: async () => expect(await b.reportBarrier('contacts', 'de')).toBe(true),
    chooseFolder: async () => expect(await b.chooseFolder(null)).toMatch(/^\//),
  };
}

describe('development mock', () => {
  beforeEach(() => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
  });

  it('answers every exported backend function', async () => {
    const b = await install('?n=60&sync=1');
    const calls = everyCall(b);
    expect(Object.keys(calls).sort()).toEqual(Object.keys(b).sort());
    for (const [name, run] of Object.entries(calls)) {
      await run().catch((e: unknown) => {
        throw new Error(`${name}: ${e instanceof Error ? e.message : JSON.stringify(e)}`);
      });
    }
  });

  it('rejects with the error shape of src-tauri/src/error.rs', async () => {
    const b = await install('?n=5');
    await expect(b.getContact(999_999)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(b.createContact({ ...INPUT, given_name: null, family_name: null }, null)).rejects.toMatchObject({
      kind: 'validation',
      code: 'name_required',
      field: 'display_name',
    } satisfies Partial<BackendError>);
  });

  it('keeps the URL parameters documented in mockBackend.ts', async () => {
    let b = await install('?fatal=too_new');
    await expect(b.listContacts(0, 10)).rejects.toMatchObject({ kind: 'too_new' });

    b = await install('?n=7');
    // Seven generated, one with markup in its fields and the five people of the duplicate fixtures.
    expect((await b.listContacts(0, 100)).total).toBe(7 + 1 + 5);

    b = await install('?n=5&feeds=0');
    expect(await b.listFeeds()).toEqual([]);

    b = await install('?n=5');
    expect(await b.syncAccountGet()).toBeNull();
    expect(await b.syncNow()).toBeNull();

    b = await install('?n=5&sync=error');
    expect((await b.syncStatus()).last_error).toMatch(/refused the login/);
  });
});

// Checked by `npm run check` (svelte-check/tsc), not at run time: the contract fails in each
// direction a drift can take. If one of these stops being an error, the mock is no longer tied to
// backend.ts.
describe('the mock contract (type check)', () => {
  it('refuses a missing command, an unknown command and a wrong result type', () => {
    // @ts-expect-error every command of Commands needs a handler
    const missing: MockHandlers = { app_ready: () => undefined };
    // @ts-expect-error a command backend.ts does not send is refused
    const unknown: Partial<MockHandlers> = { contacts_frobnicate: () => undefined };
    // @ts-expect-error a handler answers its command's result type
    const wrong: Pick<MockHandlers, 'series_list'> = { series_list: () => 1 };
    // @ts-expect-error a handler takes its command's argument object
    const args: Pick<MockHandlers, 'contact_get'> = { contact_get: ({ uid }) => uid };
    expect([missing, unknown, wrong, args]).toHaveLength(4);
  });
});
