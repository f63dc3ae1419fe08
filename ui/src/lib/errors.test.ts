import { describe, expect, it } from 'vitest';
import { errorKey, errorMessage, formField, isFatal, toBackendError } from './errors';

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
