// Mock domain: file import, duplicates and merges, answered from fixtures/imports.ts. Nothing
// here reads a file's content beyond telling vCard from CSV, and nothing decides what is a
// duplicate or how two contacts merge: that is crates/core's job, and a second copy here would
// drift from it unnoticed.
import type { Contact, CsvMapping, EventRef, ImportReport } from '../backend';
import { addContact, contacts, get, named, newNote, orgNamed, type Stored } from './contacts';
import { maybeEventRef } from './events';
import { CSV_PREVIEW, DUPLICATE_GROUPS, IMPORTED, IMPORT_SKIPPED, IMPORT_WARNINGS, VCARD_CARDS } from './fixtures/imports';
import { attendanceOf } from './networking';
import { clone, decodeFile, delay, invalid, nextId, notFound, now, touched } from './state';
import type { MockHandlers } from './types';

/** The duplicate groups as contact ids, with what a merge gives the kept contact. */
const groups: { ids: number[]; merged: { emails: string[]; phones: string[] } }[] = [];
const merges = new Map<number, { keep: Stored; otherId: number }>();
/** The mapping chosen at the last CSV import (the fixture's header row is always the same). */
let remembered: CsvMapping | null = null;

/** The people of DUPLICATE_GROUPS as contacts. */
export function seedDuplicates(): void {
  for (const g of DUPLICATE_GROUPS) {
    const ids = g.members.map((m) => {
      const [given_name, family_name, title] = m.name;
      return addContact({
        given_name,
        family_name,
        title,
        role: 'OZG-Koordination',
        organization_id: m.organization ? orgNamed(m.organization).org.id : null,
        emails: m.emails.map((value) => ({ value, label: null })),
        phones: m.phones.map((value) => ({ value, label: null })),
        tags: m.tags ?? [],
      }).id;
    });
    groups.push({ ids, merged: g.merged });
  }
  named('Jördis Müller')?.notes.push(newNote('Zuständig für die EfA-Leistung Wohngeld.', '2025-03-02T10:00:00.000Z'));
}

function isVcard(data: string): boolean {
  return /BEGIN:VCARD/i.test(decodeFile(data));
}

function importFixture(vcard: boolean, mapping: CsvMapping | null, event: EventRef | null): ImportReport {
  if (!vcard && mapping) remembered = clone(mapping);
  const report: ImportReport = {
    imported: 0,
    updated: 0,
    skipped: clone(IMPORT_SKIPPED),
    warnings: vcard ? [] : clone(IMPORT_WARNINGS),
    organizations_created: 0,
    duplicates: [],
    contact_ids: [],
    attendees: 0,
    format: vcard ? 'vcard' : 'csv',
  };
  for (const p of IMPORTED) {
    let orgId: number | null = null;
    if (p.organization) {
      const { org, created } = orgNamed(p.organization);
      orgId = org.id;
      if (created) report.organizations_created += 1;
    }
    const c = addContact({ ...p.input, organization_id: orgId });
    if (p.note) c.notes.push(newNote(p.note));
    report.imported += 1;
    report.contact_ids.push(c.id);
    if (event) {
      attendanceOf(event).rows.set(c.id, 'registered');
      report.attendees += 1;
    }
    const twin = p.duplicateOf ? named(p.duplicateOf) : undefined;
    const group = twin && groups.find((g) => g.ids.includes(twin.id));
    if (group) {
      group.ids.push(c.id);
      report.duplicates.push([...group.ids]);
    }
  }
  touched();
  return report;
}

function liveGroups(): Contact[][] {
  return groups
    .map((g) => g.ids.flatMap((id) => contacts.filter((c) => c.id === id && !c.deleted)))
    .filter((g) => g.length > 1);
}

export const importHandlers = {
  contacts_import_preview: async ({ data }) => {
    await delay(150);
    if (isVcard(data)) return { format: 'vcard', csv: null, remembered: null, cards: VCARD_CARDS };
    return { format: 'csv', csv: clone(CSV_PREVIEW), remembered: clone(remembered), cards: null };
  },
  contacts_import: async ({ data, mapping, eventUid, occurrence }) => {
    await delay(300);
    const vcard = isVcard(data);
    return clone(importFixture(vcard, mapping, maybeEventRef(eventUid, occurrence)));
  },
  duplicates_list: () => clone(liveGroups()),
  contacts_merge: ({ keep: keepId, other: otherId }) => {
    if (keepId === otherId) throw invalid('merge_self', 'other', 'a contact cannot be merged with itself');
    const keep = get(keepId);
    const other = get(otherId);
    const mergeId = nextId();
    merges.set(mergeId, { keep: clone(keep), otherId });
    const group = groups.find((g) => g.ids.includes(keepId) && g.ids.includes(otherId));
    if (group) {
      keep.emails = [...group.merged.emails];
      keep.phones = [...group.merged.phones];
    }
    keep.updated_at = now();
    other.deleted = true;
    touched();
    return { merge_id: mergeId, contact: clone(keep) };
  },
  merge_undo: ({ mergeId }) => {
    const m = merges.get(mergeId);
    if (!m) throw notFound(`merge ${mergeId} not found (already undone?)`);
    merges.delete(mergeId);
    const keep = contacts.find((c) => c.id === m.keep.id);
    if (keep) Object.assign(keep, m.keep);
    const other = contacts.find((c) => c.id === m.otherId);
    if (other) other.deleted = false;
  },
} satisfies Partial<MockHandlers>;
