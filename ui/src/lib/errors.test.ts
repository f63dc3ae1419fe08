import { describe, expect, it } from 'vitest';
import { errorKey, errorMessage, feedErrorMessage, feedFormField, formField, isFatal, toBackendError } from './errors';

describe('error → message', () => {
  it('translates validation codes', () => {
    const e = { kind: 'validation', code: 'email_invalid', field: 'emails', message: "'x' is not a valid emails entry" };
    expect(errorKey(e)).toBe('error.code.email_invalid');
    expect(errorMessage(e, 'de')).toMatch(/E-Mail-Adresse ist ungültig/);
    expect(errorMessage(e, 'en')).toMatch(/e-mail address is not valid/);
  });

  it('falls back to the kind and keeps the backend message as detail', () => {
    const e = { kind: 'database', message: 'disk I/O error' };
    expect(errorKey(e)).toBe('error.kind.database');
    expect(errorMessage(e, 'de')).toBe('Datenbankfehler (disk I/O error)');
  });

  it('uses the kind for unknown codes and "internal" for unknown kinds', () => {
    expect(errorKey({ kind: 'validation', code: 'brand_new', message: 'm' })).toBe('error.kind.validation');
    expect(errorKey({ kind: 'weird', message: 'm' })).toBe('error.kind.internal');
    expect(errorMessage({ kind: 'busy', message: 'database is locked' }, 'en')).toMatch(/busy/);
  });

  it('says that the disk is full, in words for the user', () => {
    const e = { kind: 'disk_full', message: 'the disk is full: this change could not be saved (database or disk is full)' };
    expect(errorKey(e)).toBe('error.kind.disk_full');
    expect(errorMessage(e, 'de')).toMatch(/^Der Speicherplatz ist voll\..*unverändert/);
    expect(errorMessage(e, 'en')).toMatch(/^The disk is full\./);
    expect(feedErrorMessage(e, 'de')).toMatch(/^Der Speicherplatz ist voll\./);
    expect(feedFormField(e)).toBeNull();
  });

  it('wraps anything thrown into a backend error', () => {
    expect(toBackendError(new Error('boom'))).toEqual({ kind: 'internal', message: 'boom' });
    expect(toBackendError('oops')).toEqual({ kind: 'internal', message: 'oops' });
    expect(errorMessage('oops', 'en')).toBe('Internal error (oops)');
  });

  it('recognises the errors that make the database unusable', () => {
    expect(isFatal({ kind: 'too_new', message: 'x' })).toBe(true);
    expect(isFatal({ kind: 'corrupt', message: 'x' })).toBe(true);
    expect(isFatal({ kind: 'open', message: 'x' })).toBe(true);
    expect(isFatal({ kind: 'busy', message: 'x' })).toBe(false);
    expect(isFatal(new Error('x'))).toBe(false);
  });

  it('maps backend fields to form inputs', () => {
    expect(formField({ kind: 'validation', field: 'organization_id', message: '' })).toBe('org');
    expect(formField({ kind: 'validation', field: 'land_key', message: '' })).toBe('org-land');
    expect(formField({ kind: 'validation', field: 'website', message: '' })).toBe('website');
    expect(formField({ kind: 'database', message: '' })).toBeNull();
  });
});

describe('feed errors', () => {
  it('translates validation codes with feed wording, at the address field', () => {
    const e = { kind: 'validation', code: 'feed_exists', field: 'url', message: 'the feed https://x is already subscribed' };
    expect(feedErrorMessage(e, 'de')).toBe('Diesen Kalender haben Sie bereits abonniert.');
    expect(feedFormField(e)).toBe('feed-url');
    const n = { kind: 'validation', code: 'name_required', field: 'name', message: 'a feed needs a name' };
    expect(feedErrorMessage(n, 'de')).toMatch(/Namen für den Kalender/);
    expect(feedFormField(n)).toBe('feed-name');
    expect(feedFormField({ kind: 'validation', code: 'insecure', message: 'http' })).toBe('feed-url');
  });

  it('shows the message of network errors, behind a headline when the kind is known', () => {
    const dns = { kind: 'dns', message: 'The server name x.invalid could not be found.' };
    expect(feedErrorMessage(dns, 'de')).toBe('Server nicht gefunden. (The server name x.invalid could not be found.)');
    expect(feedFormField(dns)).toBe('feed-url');
    expect(feedErrorMessage({ kind: 'brand_new', message: 'Something odd.' }, 'de')).toBe('Something odd.');
  });

  it('keeps the app’s own errors as everywhere else', () => {
    expect(feedErrorMessage({ kind: 'database', message: 'disk I/O error' }, 'de')).toBe('Datenbankfehler (disk I/O error)');
    expect(feedFormField({ kind: 'database', message: 'x' })).toBeNull();
  });
});
