// Mapping backend errors to translated messages and to the form field they concern.
import { type BackendError, isBackendError } from '../backend';
import { type Lang, hasKey, translate } from './i18n';

/** Kinds that mean the database cannot be used at all: the app shows a full-page message. */
export const FATAL_KINDS: readonly string[] = ['too_new', 'corrupt', 'open'];

export function toBackendError(e: unknown): BackendError {
  if (isBackendError(e)) return e;
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export function isFatal(e: unknown): boolean {
  return isBackendError(e) && FATAL_KINDS.includes(e.kind);
}

/** The catalogue key for an error: by validation code first, then by kind. */
export function errorKey(e: BackendError, lang: Lang = 'de'): string {
  if (e.code) {
    const k = `error.code.${e.code}`;
    if (hasKey(k, lang)) return k;
  }
  const k = `error.kind.${e.kind}`;
  return hasKey(k, lang) ? k : 'error.kind.internal';
}

/**
 * A sentence for the user. Validation errors with a known code are fully translated; for other
 * errors the backend's own (English) message is appended as detail, so nothing is lost.
 */
export function errorMessage(err: unknown, lang: Lang): string {
  const e = toBackendError(err);
  const key = errorKey(e, lang);
  const text = translate(lang, key);
  if (key.startsWith('error.code.') || e.kind === 'validation' || e.kind === 'not_found' || e.kind === 'busy') {
    return text;
  }
  return e.message ? `${text} (${e.message})` : text;
}

/** Backend field names → ids of the inputs (or groups) in the contact form. */
const FIELD_MAP: Readonly<Record<string, string>> = {
  organization_id: 'org',
  name: 'org',
  level: 'org-level',
  land_key: 'org-land',
  land: 'org-land',
  parent_id: 'org',
};

/** The form field an error belongs to, or null for errors that concern the whole form. */
export function formField(e: unknown): string | null {
  if (!isBackendError(e) || !e.field) return null;
  return FIELD_MAP[e.field] ?? e.field;
}
