import { describe, expect, it } from 'vitest';
import { CSV_SOURCES } from '../backendTypes';
import { catalogs, translate } from './i18n';

describe('the recognised CSV source', () => {
  it('is named in German first, and in English', () => {
    expect(translate('de', 'import.source.outlook')).toBe('Outlook-Export erkannt');
    expect(translate('en', 'import.source.outlook')).toBe('Outlook export recognised');
  });

  it('has a name in both catalogues for every tool the core recognises', () => {
    for (const s of CSV_SOURCES.filter((x) => x !== 'generic')) {
      for (const lang of ['de', 'en'] as const) {
        expect(catalogs[lang][`import.source.${s}`], `${lang}: ${s}`).toBeTruthy();
      }
    }
  });
});
