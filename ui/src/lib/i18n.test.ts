import { describe, expect, it } from 'vitest';
import { type Catalog, type Lang, catalogs, formatDateTime, formatNumber, interpolate, isLang, localeOf, translate } from './i18n';

const test: Record<Lang, Catalog> = {
  de: { hello: 'Hallo {name}', only_de: 'Nur deutsch', 'items.one': '{count} Eintrag', 'items.other': '{count} Einträge' },
  en: { hello: 'Hello {name}', 'items.one': '{count} item', 'items.other': '{count} items' },
};

describe('translate', () => {
  it('looks up the active language and interpolates', () => {
    expect(translate('en', 'hello', { name: 'Eve' }, test)).toBe('Hello Eve');
    expect(translate('de', 'hello', { name: 'Eve' }, test)).toBe('Hallo Eve');
  });

  it('falls back to German, then to the key', () => {
    expect(translate('en', 'only_de', undefined, test)).toBe('Nur deutsch');
    expect(translate('en', 'missing.key', undefined, test)).toBe('missing.key');
  });

  it('picks plural forms and formats numbers for the language', () => {
    expect(translate('de', 'items', { count: 1 }, test)).toBe('1 Eintrag');
    expect(translate('de', 'items', { count: 10000 }, test)).toBe('10.000 Einträge');
    expect(translate('en', 'items', { count: 10000 }, test)).toBe('10,000 items');
  });

  it('renders the list total as the issue asks', () => {
    expect(translate('de', 'list.total', { shown: 200, count: 10000 })).toBe('200 von 10.000 Kontakten');
  });

  it('leaves unknown placeholders and never evaluates markup', () => {
    expect(interpolate('{a} {b}', 'de', { a: '<b>x</b>' })).toBe('<b>x</b> {b}');
  });
});

describe('catalogues', () => {
  it('have the same keys in German and English, none empty', () => {
    const de = Object.keys(catalogs.de).sort();
    const en = Object.keys(catalogs.en).sort();
    expect(en).toEqual(de);
    for (const lang of ['de', 'en'] as const) {
      for (const [k, v] of Object.entries(catalogs[lang])) expect(v.trim(), `${lang}:${k}`).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(catalogs.de)) {
      expect(names(catalogs.en[k]), k).toEqual(names(catalogs.de[k]));
    }
  });

  it('translate every validation code and fatal kind', () => {
    const codes = ['name_required', 'email_invalid', 'phone_invalid', 'note_too_long', 'note_empty', 'too_long',
      'photo_invalid', 'photo_too_large', 'website_invalid', 'org_unknown', 'land_required', 'land_unknown',
      'themenfeld_unknown', 'too_many'];
    for (const c of codes) expect(catalogs.en[`error.code.${c}`], c).toBeTruthy();
    for (const c of ['feed_exists', 'url_invalid', 'invalid_url', 'insecure', 'name_required', 'dns', 'connect', 'tls',
      'timeout', 'too_large', 'http_status', 'not_calendar', 'redirects', 'private_network']) {
      expect(catalogs.en[`feed.error.${c}`], c).toBeTruthy();
    }
    for (const k of ['too_new', 'corrupt', 'open']) {
      expect(catalogs.de[`fatal.title.${k}`]).toBeTruthy();
      expect(catalogs.en[`fatal.text.${k}`]).toBeTruthy();
    }
  });
});

describe('formatting', () => {
  it('knows its languages and locales', () => {
    expect(isLang('de')).toBe(true);
    expect(isLang('fr')).toBe(false);
    expect(isLang(null)).toBe(false);
    expect(localeOf('de')).toBe('de-DE');
    expect(localeOf('en')).toBe('en-GB');
    expect(formatNumber(1234567, 'de')).toBe('1.234.567');
  });

  it('shows stored UTC times as Berlin time, winter and summer', () => {
    // 23:30 UTC in January is 00:30 the next day in Berlin (CET, +1).
    const winter = formatDateTime('2025-01-14T23:30:00.000Z', 'de');
    expect(winter).toContain('15.01.2025');
    expect(winter).toContain('00:30');
    // 10:05 UTC in July is 12:05 in Berlin (CEST, +2).
    const summer = formatDateTime('2025-07-01T10:05:00.000Z', 'en');
    expect(summer).toContain('1 Jul 2025');
    expect(summer).toContain('12:05');
  });

  it('shows unparseable times as they are', () => {
    expect(formatDateTime('gestern', 'de')).toBe('gestern');
  });
});
