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

/** Kinds whose translated text says all the user needs: the backend's English detail is left off. */
const SELF_EXPLAINING_KINDS: readonly string[] = ['validation', 'not_found', 'busy', 'disk_full'];

/**
 * A sentence for the user. Validation errors with a known code are fully translated; for other
 * errors the backend's own (English) message is appended as detail, so nothing is lost.
 */
export function errorMessage(err: unknown, lang: Lang): string {
  const e = toBackendError(err);
  const key = errorKey(e, lang);
  const text = translate(lang, key);
  if (key.startsWith('error.code.') || SELF_EXPLAINING_KINDS.includes(e.kind)) {
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

// --- Feeds ---

/** Error kinds that the app itself defines; any other kind comes from fetching a feed. */
const APP_KINDS: readonly string[] = ['validation', 'not_found', 'busy', 'database', 'disk_full', 'internal', ...FATAL_KINDS];

/** Codes and kinds that concern the feed address. */
const URL_PROBLEMS: readonly string[] = ['feed_exists', 'url_invalid', 'invalid_url', 'insecure', 'unsupported_scheme'];

/**
 * A sentence for an error of adding or syncing a feed. Validation codes are translated (feed
 * wording first, so `name_required` speaks of a calendar, not a contact). Network errors keep the
 * backend's plain-words message, behind a translated headline when the kind is known.
 */
export function feedErrorMessage(err: unknown, lang: Lang): string {
  const e = toBackendError(err);
  if (e.code) {
    const k = `feed.error.${e.code}`;
    if (hasKey(k, lang)) return translate(lang, k);
  }
  if (APP_KINDS.includes(e.kind)) return errorMessage(e, lang);
  const k = `feed.error.${e.kind}`;
  if (!hasKey(k, lang)) return e.message || translate(lang, 'error.kind.internal');
  const headline = translate(lang, k);
  return e.message ? `${headline} (${e.message})` : headline;
}

/** Backend field names → ids in the feed form. */
const FEED_FIELDS: Readonly<Record<string, string>> = {
  url: 'feed-url',
  name: 'feed-name',
  auth: 'feed-auth',
  user: 'feed-user',
  secret: 'feed-secret',
  password: 'feed-secret',
  token: 'feed-secret',
};

/** The feed-form input an error belongs to, or null for the whole form. */
export function feedFormField(err: unknown): string | null {
  const e = toBackendError(err);
  if (e.field) return FEED_FIELDS[e.field] ?? null;
  if (e.code && URL_PROBLEMS.includes(e.code)) return 'feed-url';
  if (e.kind === 'keyring') return 'feed-secret';
  if (!APP_KINDS.includes(e.kind)) return 'feed-url';
  return null;
}
