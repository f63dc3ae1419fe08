// Dates as people type them. A native <input type="date"> shows the operating system's format
// (12/03/2026 under an English or C locale, even in the German interface), so date fields are
// text fields: German shows and reads TT.MM.JJJJ, English the unambiguous ISO form JJJJ-MM-TT.
// The forms and the backend keep ISO (YYYY-MM-DD) throughout.
import type { Lang } from './i18n';

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const GERMAN = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** The pattern shown to the user as a hint ("TT.MM.JJJJ" or "YYYY-MM-DD"). */
export function datePattern(lang: Lang): string {
  return lang === 'de' ? 'TT.MM.JJJJ' : 'YYYY-MM-DD';
}

function iso(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Reads a typed date: `TT.MM.JJJJ` (also `3.12.2026`) in German, ISO in both languages (an ISO
 * date is never ambiguous). `null` for anything else or a day that does not exist (31.02.).
 */
export function parseDate(text: string, lang: Lang): string | null {
  const s = text.trim();
  const i = ISO.exec(s);
  if (i) return iso(Number(i[1]), Number(i[2]), Number(i[3]));
  const g = lang === 'de' ? GERMAN.exec(s) : null;
  if (g) return iso(Number(g[3]), Number(g[2]), Number(g[1]));
  return null;
}

/** An ISO date as the field shows it; anything that is not an ISO date is shown as it is. */
export function formatDate(value: string, lang: Lang): string {
  const i = ISO.exec(value.trim());
  if (!i || lang !== 'de') return value;
  return `${i[3].padStart(2, '0')}.${i[2].padStart(2, '0')}.${i[1]}`;
}
