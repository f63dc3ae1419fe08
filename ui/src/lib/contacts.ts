// Pure helpers around contacts: form state ⇄ backend types, tags, labelled values, photos, search.
import type {
  Contact,
  ContactInput,
  ContactSummary,
  Labeled,
  Organization,
  Photo,
  PhotoChange,
} from '../backend';

/** One editable row of an e-mail address or phone number; strings so inputs can bind. */
export interface LabeledRow {
  value: string;
  label: string;
}

/** What the contact form edits. Everything is a string (or list) so it binds to inputs. */
export interface ContactForm {
  display_name: string;
  given_name: string;
  family_name: string;
  title: string;
  role: string;
  organization_id: number | null;
  emails: LabeledRow[];
  phones: LabeledRow[];
  street: string;
  postal_code: string;
  locality: string;
  country: string;
  website: string;
  themenfelder: string[];
  tags: string;
}

/** A contact's postal address, field by field in the order it is written: the form's inputs, a CSV column's choices. */
export const ADDRESS_FIELDS = ['street', 'postal_code', 'locality', 'country'] as const;

export const PHOTO_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;

export function nullIfBlank(s: string | null | undefined): string | null {
  const v = (s ?? '').trim();
  return v === '' ? null : v;
}

/** The name the backend derives when no display name is given: title, given and family name. */
export function composeName(title: string | null, given: string | null, family: string | null): string {
  return [title, given, family]
    .map((s) => (s ?? '').trim())
    .filter((s) => s !== '')
    .join(' ');
}

export function emptyRow(): LabeledRow {
  return { value: '', label: '' };
}

export function emptyForm(): ContactForm {
  return {
    display_name: '',
    given_name: '',
    family_name: '',
    title: '',
    role: '',
    organization_id: null,
    emails: [emptyRow()],
    phones: [emptyRow()],
    street: '',
    postal_code: '',
    locality: '',
    country: '',
    website: '',
    themenfelder: [],
    tags: '',
  };
}

export function emptyInput(): ContactInput {
  return formToInput(emptyForm());
}

/** Pairs each value with its label from the contact's label map. */
export function rowsFromValues(values: readonly string[], labels: Readonly<Record<string, string>>): LabeledRow[] {
  return values.map((value) => ({ value, label: labels[value] ?? '' }));
}

/** Trims rows, drops the ones without a value, and turns empty labels into null. */
export function rowsToLabeled(rows: readonly LabeledRow[]): Labeled[] {
  const out: Labeled[] = [];
  for (const r of rows) {
    const value = r.value.trim();
    if (value === '') continue;
    out.push({ value, label: nullIfBlank(r.label) });
  }
  return out;
}

/** Comma-separated text → distinct, trimmed tags (case-insensitive duplicates dropped). */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(/[,;\n]/)) {
    const tag = part.trim();
    if (tag === '') continue;
    const k = tag.toLocaleLowerCase('de');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(tag);
  }
  return out;
}

export function formatTags(tags: readonly string[]): string {
  return tags.join(', ');
}

export function formFromContact(c: Contact): ContactForm {
  const derived = composeName(c.title, c.given_name, c.family_name);
  const emails = rowsFromValues(c.emails, c.labels);
  const phones = rowsFromValues(c.phones, c.labels);
  return {
    // A name equal to the derived one was (most likely) never typed: keep deriving it.
    display_name: c.name === derived ? '' : c.name,
    given_name: c.given_name ?? '',
    family_name: c.family_name ?? '',
    title: c.title ?? '',
    role: c.role ?? '',
    organization_id: c.organization_id,
    emails: emails.length ? emails : [emptyRow()],
    phones: phones.length ? phones : [emptyRow()],
    street: c.street ?? '',
    postal_code: c.postal_code ?? '',
    locality: c.locality ?? '',
    country: c.country ?? '',
    website: c.website ?? '',
    themenfelder: [...c.themenfelder],
    tags: formatTags(c.tags),
  };
}

export function formToInput(f: ContactForm, photo: PhotoChange = { action: 'keep' }): ContactInput {
  return {
    display_name: nullIfBlank(f.display_name),
    given_name: nullIfBlank(f.given_name),
    family_name: nullIfBlank(f.family_name),
    title: nullIfBlank(f.title),
    role: nullIfBlank(f.role),
    organization_id: f.organization_id,
    emails: rowsToLabeled(f.emails),
    phones: rowsToLabeled(f.phones),
    street: nullIfBlank(f.street),
    postal_code: nullIfBlank(f.postal_code),
    locality: nullIfBlank(f.locality),
    country: nullIfBlank(f.country),
    website: nullIfBlank(f.website),
    themenfelder: [...f.themenfelder],
    tags: parseTags(f.tags),
    photo,
  };
}

/** The input that saves a contact unchanged. */
export function toInput(c: Contact): ContactInput {
  return formToInput(formFromContact(c));
}

/**
 * Which row a validation error about `emails`/`phones` concerns: the backend quotes the bad
 * value in its message. -1 if none can be told.
 */
export function errorRowIndex(rows: readonly LabeledRow[], message: string): number {
  return rows.findIndex((r) => r.value.trim() !== '' && message.includes(`'${r.value.trim()}'`));
}

/** The second line of a list row: organisation and role. */
export function summaryLine(s: Pick<ContactSummary, 'organization' | 'role'>): string {
  return [s.organization, s.role].filter((v): v is string => !!v && v.trim() !== '').join(' · ');
}

/** A data: URL for an image, only for the image types we accept. */
export function photoSrc(p: Photo | null | undefined): string | null {
  if (!p || !PHOTO_TYPES.includes(p.mime) || !/^[A-Za-z0-9+/=\s]+$/.test(p.base64)) return null;
  return `data:${p.mime};base64,${p.base64}`;
}

/** Splits a data: URL read by FileReader into the photo the backend takes. */
export function photoFromDataUrl(url: string): Photo | null {
  const m = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s.exec(url);
  if (!m || !PHOTO_TYPES.includes(m[1])) return null;
  return { mime: m[1], base64: m[2] };
}

// --- Folding and organisation search, the same rules as crates/core/src/fold.rs ---

/** German-aware folding: ß→ss, no diacritics, ae/oe/ue → a/o/u, lower case. */
export function fold(text: string): string {
  let pre = '';
  for (const ch of text) {
    switch (ch) {
      case 'ß':
      case 'ẞ':
        pre += 'ss';
        break;
      case 'æ':
      case 'Æ':
        pre += 'ae';
        break;
      case 'œ':
      case 'Œ':
        pre += 'oe';
        break;
      case 'ł':
      case 'Ł':
        pre += 'l';
        break;
      case 'ø':
      case 'Ø':
        pre += 'o';
        break;
      case 'đ':
      case 'Đ':
        pre += 'd';
        break;
      case 'ı':
        pre += 'i';
        break;
      default:
        pre += ch.toLowerCase();
    }
  }
  const stripped = pre.normalize('NFD').replace(/\p{M}/gu, '');
  return stripped.replace(/([aou])e/g, '$1');
}

export function tokens(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');
}

/** The organisation whose name (or abbreviation) is exactly `text`, ignoring case and umlauts. */
export function findOrgByName(orgs: readonly Organization[], text: string): Organization | null {
  const q = fold(text.trim());
  if (q === '') return null;
  return orgs.find((o) => fold(o.name) === q) ?? orgs.find((o) => !!o.short_name && fold(o.short_name) === q) ?? null;
}

/**
 * Organisations matching `query`: every query word must start a word of the name, the
 * abbreviation or the Land. Exact and prefix matches of the whole name come first.
 */
export function matchOrgs(orgs: readonly Organization[], query: string, limit = 20): Organization[] {
  const q = tokens(query);
  if (q.length === 0) return [];
  const whole = fold(query.trim());
  const scored: { o: Organization; score: number }[] = [];
  for (const o of orgs) {
    const words = tokens(`${o.name} ${o.short_name ?? ''} ${o.land ?? ''}`);
    if (!q.every((qt) => words.some((w) => w.startsWith(qt)))) continue;
    const name = fold(o.name);
    const score = name === whole ? 0 : name.startsWith(whole) ? 1 : 2;
    scored.push({ o, score });
  }
  scored.sort((a, b) => a.score - b.score || a.o.name.localeCompare(b.o.name, 'de'));
  return scored.slice(0, limit).map((s) => s.o);
}
