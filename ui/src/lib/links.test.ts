import { describe, expect, it } from 'vitest';
import { breakParts, isMailLink, isOpenable, linkDisplay, linkFor } from './links';

describe('isOpenable (same rule as the shell)', () => {
  it('accepts https, http and mailto', () => {
    expect(isOpenable('https://www.fitko.de/ozg')).toBe(true);
    expect(isOpenable('http://example.org')).toBe(true);
    expect(isOpenable('mailto:info@fitko.example')).toBe(true);
    expect(isOpenable('mailto:jördis.müller@bayern.example')).toBe(true);
    expect(isOpenable('HTTPS://EXAMPLE.ORG')).toBe(true);
  });

  it('refuses other schemes, spaces, control characters, empty addresses and long links', () => {
    for (const bad of [
      'javascript:alert(1)',
      ' JAVASCRIPT:alert(1)',
      'file:///etc/passwd',
      'vernetzt://x',
      'data:text/html,<script>',
      'webcal://example.org/cal.ics',
      'https://a b',
      'https://a\u0000b',
      'https://a\nb',
      'https://',
      'mailto:',
      'mailto:a@b.example?attach=/home/anna/.ssh/id_rsa',
      'mailto:a@b.example?cc=c@d.example',
      'mailto:a@b.example,c@d.example',
      'mailto:a@b.example%3Fattach=x',
      'mailto:?to=a@b.example',
      'mailto:keine-adresse',
      `https://example.org/${'a'.repeat(2048)}`,
    ]) {
      expect(isOpenable(bad), bad).toBe(false);
    }
  });
});

describe('linkFor', () => {
  it('turns e-mail addresses into mailto links', () => {
    expect(linkFor('anna@example.de', 'mail')).toBe('mailto:anna@example.de');
    expect(linkFor('mailto:anna@example.de', 'mail')).toBe('mailto:anna@example.de');
    expect(linkFor('not an address', 'mail')).toBeNull();
    expect(linkFor('javascript:alert(1)//@x', 'mail')).toBeNull();
  });

  it('keeps web links, adds https to a bare host and refuses other schemes', () => {
    expect(linkFor('https://www.fitko.de', 'web')).toBe('https://www.fitko.de');
    expect(linkFor('http://example.org/a?b=1', 'web')).toBe('http://example.org/a?b=1');
    expect(linkFor('www.bmi.bund.de/ozg', 'web')).toBe('https://www.bmi.bund.de/ozg');
    expect(linkFor('javascript:alert(1)', 'web')).toBeNull();
    expect(linkFor('JavaScript:alert(1)', 'web')).toBeNull();
    expect(linkFor('file:///etc/passwd', 'web')).toBeNull();
    expect(linkFor('webcal://example.org/cal.ics', 'web')).toBeNull();
    expect(linkFor('<img src=x onerror=alert(1)>', 'web')).toBeNull();
    expect(linkFor('', 'web')).toBeNull();
    expect(linkFor(null, 'web')).toBeNull();
  });
});

describe('what the dialog shows', () => {
  it('shows an address without mailto and a web link as it is', () => {
    expect(linkDisplay('mailto:anna@example.de')).toBe('anna@example.de');
    expect(linkDisplay('https://example.org/<b>')).toBe('https://example.org/<b>');
    expect(isMailLink('mailto:a@b.de')).toBe(true);
    expect(isMailLink('https://b.de')).toBe(false);
  });
});

describe('breakParts (where a long address may wrap)', () => {
  it('cuts after @ and /, before dots, and keeps the text', () => {
    expect(breakParts('anna.mueller@bezirksamt-pankow.example')).toEqual(['anna', '.mueller@', 'bezirksamt-pankow', '.example']);
    expect(breakParts('https://www.fitko.de/ozg')).toEqual(['https:/', '/', 'www', '.fitko', '.de/', 'ozg']);
    for (const v of ['a@b.example', '', 'ohne-punkt', '...']) expect(breakParts(v).join('')).toBe(v);
  });
});
