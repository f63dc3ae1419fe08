import { describe, expect, it } from 'vitest';
import type { Contact, ContactDetails, Organization } from '../backend';
import {
  composeName,
  emptyForm,
  emptyInput,
  errorRowIndex,
  findOrgByName,
  fold,
  formFromContact,
  formToInput,
  matchOrgs,
  parseTags,
  photoFromDataUrl,
  photoSrc,
  rowsFromValues,
  rowsToLabeled,
  summaryLine,
  toInput,
} from './contacts';

/** The address, website, Themenfelder and tags of the test contact: carried over unchanged. */
const DETAILS: ContactDetails = {
  street: 'Friedrich-Ebert-Allee 12',
  postal_code: '65185',
  locality: 'Wiesbaden',
  country: null,
  website: 'https://hessen.de',
  themenfelder: ['familie-kind'],
  tags: ['EfA', 'Steuerung'],
};

function contact(over: Partial<Contact> = {}): Contact {
  return {
    id: 7,
    uid: 'u-7',
    name: 'Dr. Anna Müller',
    given_name: 'Anna',
    family_name: 'Müller',
    title: 'Dr.',
    role: 'OZG-Koordinatorin',
    organization: 'Land Hessen',
    organization_id: 12,
    emails: ['anna@hessen.de', 'a.mueller@example.de'],
    phones: ['+49 611 123'],
    labels: { 'anna@hessen.de': 'dienstlich', '+49 611 123': 'Büro' },
    ...DETAILS,
    notes: [{ id: 1, body: 'Hallo', created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z' }],
    photo: null,
    created_at: '2025-01-01T00:00:00Z',
    updated_at: '2025-01-02T00:00:00Z',
    ...over,
  };
}

function org(id: number, name: string, over: Partial<Organization> = {}): Organization {
  return {
    id,
    uid: `o-${id}`,
    name,
    short_name: null,
    level: 'kommune',
    kind: null,
    land: null,
    land_key: null,
    key: null,
    parent_id: null,
    builtin: true,
    ...over,
  };
}

describe('Contact → ContactInput', () => {
  it('carries every field over and keeps the photo', () => {
    const input = toInput(contact());
    expect(input).toEqual({
      display_name: null,
      given_name: 'Anna',
      family_name: 'Müller',
      title: 'Dr.',
      role: 'OZG-Koordinatorin',
      organization_id: 12,
      emails: [
        { value: 'anna@hessen.de', label: 'dienstlich' },
        { value: 'a.mueller@example.de', label: null },
      ],
      phones: [{ value: '+49 611 123', label: 'Büro' }],
      ...DETAILS,
      photo: { action: 'keep' },
    });
  });

  it('keeps a display name that differs from the derived one', () => {
    expect(toInput(contact({ name: 'Anni' })).display_name).toBe('Anni');
  });

  it('keeps deriving the name when it equals title + given + family', () => {
    expect(formFromContact(contact()).display_name).toBe('');
    expect(composeName(' Dr. ', null, 'Weiß')).toBe('Dr. Weiß');
  });

  it('offers one empty e-mail and phone row when there are none', () => {
    const f = formFromContact(contact({ emails: [], phones: [], labels: {} }));
    expect(f.emails).toEqual([{ value: '', label: '' }]);
    expect(f.phones).toEqual([{ value: '', label: '' }]);
  });

  it('turns blank text into null and trims', () => {
    const f = emptyForm();
    f.given_name = '  Eve ';
    f.street = '   ';
    const input = formToInput(f, { action: 'remove' });
    expect(input.given_name).toBe('Eve');
    expect(input.street).toBeNull();
    expect(input.emails).toEqual([]);
    expect(input.photo).toEqual({ action: 'remove' });
  });

  it('has an empty input without values', () => {
    const e = emptyInput();
    expect(e.display_name).toBeNull();
    expect(e.emails).toEqual([]);
    expect(e.tags).toEqual([]);
    expect(e.photo).toEqual({ action: 'keep' });
  });
});

describe('labelled values', () => {
  it('pairs values with labels and back', () => {
    const rows = rowsFromValues(['a@b.de', 'c@d.de'], { 'a@b.de': 'privat' });
    expect(rows).toEqual([
      { value: 'a@b.de', label: 'privat' },
      { value: 'c@d.de', label: '' },
    ]);
    expect(rowsToLabeled([...rows, { value: '  ', label: 'dropped' }, { value: ' x@y.de ', label: '  ' }])).toEqual([
      { value: 'a@b.de', label: 'privat' },
      { value: 'c@d.de', label: null },
      { value: 'x@y.de', label: null },
    ]);
  });

  it('finds the row a validation message quotes', () => {
    const rows = [
      { value: 'ok@example.de', label: '' },
      { value: 'kaputt', label: '' },
    ];
    expect(errorRowIndex(rows, "'kaputt' is not a valid emails entry")).toBe(1);
    expect(errorRowIndex(rows, 'at most 50 emails')).toBe(-1);
  });
});

describe('tags', () => {
  it('splits on commas, trims and drops duplicates', () => {
    expect(parseTags(' EfA, Steuerung,, efa ,Registermodernisierung ')).toEqual(['EfA', 'Steuerung', 'Registermodernisierung']);
    expect(parseTags('')).toEqual([]);
  });
});

describe('display helpers', () => {
  it('joins organisation and role', () => {
    expect(summaryLine({ organization: 'BMI', role: 'Referent' })).toBe('BMI · Referent');
    expect(summaryLine({ organization: null, role: 'Referent' })).toBe('Referent');
    expect(summaryLine({ organization: null, role: null })).toBe('');
  });

  it('builds data URLs only for accepted image types', () => {
    expect(photoSrc({ mime: 'image/png', base64: 'iVBORw0KGgo=' })).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(photoSrc({ mime: 'text/html', base64: 'PGI+' })).toBeNull();
    expect(photoSrc({ mime: 'image/png', base64: '"><script>' })).toBeNull();
    expect(photoSrc(null)).toBeNull();
  });

  it('reads a FileReader data URL into a photo', () => {
    expect(photoFromDataUrl('data:image/jpeg;base64,/9j/4AAQ')).toEqual({ mime: 'image/jpeg', base64: '/9j/4AAQ' });
    expect(photoFromDataUrl('data:image/svg+xml;base64,PHN2Zz4=')).toBeNull();
    expect(photoFromDataUrl('nonsense')).toBeNull();
  });
});

describe('folding and organisations', () => {
  it('folds German spellings alike, as the backend does', () => {
    expect(fold('Müller')).toBe(fold('Mueller'));
    expect(fold('Müller')).toBe(fold('muller'));
    expect(fold('Weiß')).toBe(fold('Weiss'));
    expect(fold('Chloé')).toBe('chlo');
    expect(fold('Łukasiewicz')).toBe('lukasiewicz');
  });

  const orgs = [
    org(1, 'Landkreis Göttingen', { land: 'Niedersachsen' }),
    org(2, 'Stadt Göttingen', { land: 'Niedersachsen' }),
    org(3, 'Bundesministerium des Innern und für Heimat', { level: 'bund', short_name: 'BMI' }),
    org(4, 'Landkreis München', { land: 'Bayern' }),
  ];

  it('matches word prefixes in name, abbreviation and Land', () => {
    expect(matchOrgs(orgs, 'goett').map((o) => o.id)).toEqual([1, 2]);
    expect(matchOrgs(orgs, 'stadt gott').map((o) => o.id)).toEqual([2]);
    expect(matchOrgs(orgs, 'bmi').map((o) => o.id)).toEqual([3]);
    expect(matchOrgs(orgs, 'bayern').map((o) => o.id)).toEqual([4]);
    expect(matchOrgs(orgs, '   ')).toEqual([]);
  });

  it('ranks an exact name first', () => {
    const list = [org(5, 'Landkreis München-Land'), org(4, 'Landkreis München')];
    expect(matchOrgs(list, 'Landkreis München')[0].id).toBe(4);
  });

  it('resolves typed text to a directory entry', () => {
    expect(findOrgByName(orgs, ' landkreis goettingen ')?.id).toBe(1);
    expect(findOrgByName(orgs, 'BMI')?.id).toBe(3);
    expect(findOrgByName(orgs, 'Landkreis')).toBeNull();
    expect(findOrgByName(orgs, '')).toBeNull();
  });
});
