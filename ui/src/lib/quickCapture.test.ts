import { describe, expect, it } from 'vitest';
import { EMPTY_QC, quickCaptureField, quickCaptureInput, quickCaptureProblems, submitsOnKey } from './quickCapture';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean; isComposing: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('quickCaptureProblems', () => {
  it('needs a name', () => {
    expect(quickCaptureProblems(EMPTY_QC)).toEqual({ 'qc-name': 'name_required' });
    expect(quickCaptureProblems({ ...EMPTY_QC, name: '   ' })).toEqual({ 'qc-name': 'name_required' });
    expect(quickCaptureProblems({ ...EMPTY_QC, name: 'Jördis Müller' })).toEqual({});
  });

  it('checks the e-mail address only when given', () => {
    expect(quickCaptureProblems({ ...EMPTY_QC, name: 'A', email: 'kein-at' })).toEqual({ 'qc-email': 'email_invalid' });
    expect(quickCaptureProblems({ ...EMPTY_QC, name: 'A', email: ' a@b.de ' })).toEqual({});
    expect(Object.keys(quickCaptureProblems({ ...EMPTY_QC, email: 'x' }))).toEqual(['qc-name', 'qc-email']);
  });
});

describe('quickCaptureInput', () => {
  it('trims and sends empty optional fields as null', () => {
    expect(quickCaptureInput({ name: ' Jördis Müller ', organization: ' ', email: '', note: ' Wohngeld\n' })).toEqual({
      name: 'Jördis Müller',
      organization: null,
      email: null,
      note: 'Wohngeld',
    });
  });
});

describe('quickCaptureField', () => {
  it('maps backend fields to the inputs', () => {
    expect(quickCaptureField({ kind: 'validation', message: '', code: 'name_required', field: 'display_name' })).toBe('qc-name');
    expect(quickCaptureField({ kind: 'validation', message: '', code: 'email_invalid', field: 'emails' })).toBe('qc-email');
    expect(quickCaptureField({ kind: 'validation', message: '', code: 'too_long', field: 'note' })).toBe('qc-note');
    expect(quickCaptureField({ kind: 'validation', message: '', field: 'unknown' })).toBeNull();
    expect(quickCaptureField({ kind: 'database', message: 'x' })).toBeNull();
    expect(quickCaptureField('boom')).toBeNull();
  });
});

describe('submitsOnKey', () => {
  it('saves on Enter in a single-line field', () => {
    expect(submitsOnKey(key('Enter'), false)).toBe(true);
    expect(submitsOnKey(key('Enter', { ctrlKey: true }), false)).toBe(true);
    expect(submitsOnKey(key('a'), false)).toBe(false);
    expect(submitsOnKey(key('Enter', { shiftKey: true }), false)).toBe(false);
    expect(submitsOnKey(key('Enter', { altKey: true }), false)).toBe(false);
  });

  it('keeps Enter for new lines in the note; Ctrl+Enter (or ⌘+Enter) saves', () => {
    expect(submitsOnKey(key('Enter'), true)).toBe(false);
    expect(submitsOnKey(key('Enter', { ctrlKey: true }), true)).toBe(true);
    expect(submitsOnKey(key('Enter', { metaKey: true }), true)).toBe(true);
    expect(submitsOnKey(key('Enter', { ctrlKey: true, shiftKey: true }), true)).toBe(false);
  });

  it('never saves while an input method is composing', () => {
    expect(submitsOnKey(key('Enter', { isComposing: true }), false)).toBe(false);
    expect(submitsOnKey(key('Enter', { ctrlKey: true, isComposing: true }), true)).toBe(false);
  });
});
