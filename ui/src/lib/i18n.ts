// Message catalogues and the pure lookup. The reactive current language lives in locale.svelte.ts.
import de from '../i18n/de.json';
import en from '../i18n/en.json';

export type Lang = 'de' | 'en';
export type Catalog = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

export const LANGS: readonly Lang[] = ['de', 'en'];
export const DEFAULT_LANG: Lang = 'de';
export const TIME_ZONE = 'Europe/Berlin';

export const catalogs: Readonly<Record<Lang, Catalog>> = { de, en };

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}

/** The BCP 47 locale used for numbers and dates. */
export function localeOf(lang: Lang): string {
  return lang === 'en' ? 'en-GB' : 'de-DE';
}

export function hasKey(key: string, lang: Lang = DEFAULT_LANG, cats: Readonly<Record<Lang, Catalog>> = catalogs): boolean {
  return key in cats[lang] || key in cats[DEFAULT_LANG];
}

/** Replaces `{name}` placeholders; numbers are formatted for the language. Unknown ones stay. */
export function interpolate(text: string, lang: Lang, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const v = params[name];
    return typeof v === 'number' ? formatNumber(v, lang) : v;
  });
}

/**
 * Looks `key` up in the catalogue of `lang`, then in German, then gives the key itself.
 * With a numeric `count` parameter, `key.one` / `key.other` (plural rules of the language) win.
 */
export function translate(
  lang: Lang,
  key: string,
  params?: Params,
  cats: Readonly<Record<Lang, Catalog>> = catalogs,
): string {
  const count = params?.count;
  const candidates: string[] = [];
  if (typeof count === 'number') {
    const form = new Intl.PluralRules(localeOf(lang)).select(count);
    candidates.push(`${key}.${form}`, `${key}.other`);
  }
  candidates.push(key);
  for (const c of [cats[lang], cats[DEFAULT_LANG]]) {
    for (const k of candidates) {
      const v = c[k];
      if (typeof v === 'string') return interpolate(v, lang, params);
    }
  }
  return key;
}

export function formatNumber(n: number, lang: Lang): string {
  return new Intl.NumberFormat(localeOf(lang)).format(n);
}

/** A stored RFC 3339 time as wall-clock time in `zone` (Berlin by default); unparseable input is shown as is. */
export function formatDateTime(iso: string, lang: Lang, zone: string = TIME_ZONE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  }).format(d);
}
