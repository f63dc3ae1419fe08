import { describe, expect, it } from 'vitest';
import {
  NUMBER_INPUT,
  SEARCH_INPUT,
  TEXT_INPUT,
  URL_INPUT,
  VERBATIM_INPUT,
  describedBy,
  errorId,
  fieldAria,
  fieldNames,
  invalidAttr,
} from './fields';

describe('describedBy', () => {
  it('joins the ids that are set, in order', () => {
    expect(describedBy('a-hint', false, undefined, null, 'a-error')).toBe('a-hint a-error');
  });
  it('gives no attribute when no id is set', () => {
    expect(describedBy(false, undefined, '')).toBeUndefined();
  });
});

describe('errorId and invalidAttr', () => {
  it('name the error paragraph and mark the control only while there is an error', () => {
    expect(errorId('feed-url', 'Bad')).toBe('feed-url-error');
    expect(errorId('feed-url', '')).toBeUndefined();
    expect(invalidAttr('Bad')).toBe('true');
    expect(invalidAttr(undefined)).toBeUndefined();
  });
});

describe('fieldAria', () => {
  it('reads the hint, then other describing ids, then the error', () => {
    expect(fieldAria('sync-password', { hint: true, extra: ['sync-password-again'], error: 'Falsch' })).toEqual({
      'aria-invalid': 'true',
      'aria-describedby': 'sync-password-hint sync-password-again sync-password-error',
    });
  });
  it('leaves both attributes off for a field without hint and error', () => {
    expect(fieldAria('smtp-user', {})).toEqual({ 'aria-invalid': undefined, 'aria-describedby': undefined });
  });
  it('skips extra ids that are not shown', () => {
    expect(fieldAria('oe-end-date', { extra: [false] })['aria-describedby']).toBeUndefined();
    expect(fieldAria('oe-end-date', { extra: ['oe-last-day-hint'] })['aria-describedby']).toBe('oe-last-day-hint');
  });
  it('lets the error replace the hint where a form asks for that', () => {
    expect(fieldAria('new-note', { hint: true, hintUntilError: true })['aria-describedby']).toBe('new-note-hint');
    expect(fieldAria('new-note', { hint: true, hintUntilError: true, error: 'Leer' })['aria-describedby']).toBe('new-note-error');
    expect(fieldAria('timezone', { hint: true, error: 'X' })['aria-describedby']).toBe('timezone-hint timezone-error');
  });
});

describe('URL_INPUT', () => {
  it('asks for the URL keyboard without spell check', () => {
    expect(URL_INPUT).toEqual({ type: 'url', inputmode: 'url', spellcheck: 'false', placeholder: 'https://' });
  });
});

describe('fieldNames', () => {
  const named = fieldNames('oe-', 'own_event.', (k) => `«${k}»`, () => ({ 'oe-start-date': 'Fehlt' }));
  it('names id, label and error from the key, the hint only when asked for', () => {
    expect(named('start_date')).toEqual({ id: 'oe-start-date', label: '«own_event.start_date»', hint: undefined, error: 'Fehlt' });
    expect(named('location', true)).toEqual({
      id: 'oe-location',
      label: '«own_event.location»',
      hint: '«own_event.location_hint»',
      error: undefined,
    });
  });
});

describe('the input kinds', () => {
  it('turn off autofill, and spell check where the text is not prose', () => {
    expect(TEXT_INPUT).toEqual({ type: 'text', autocomplete: 'off' });
    expect(VERBATIM_INPUT).toEqual({ type: 'text', autocomplete: 'off', spellcheck: 'false' });
    expect(NUMBER_INPUT).toEqual({ type: 'text', inputmode: 'numeric', autocomplete: 'off' });
    expect(SEARCH_INPUT).toEqual({ type: 'search', autocomplete: 'off', spellcheck: 'false' });
  });
});
