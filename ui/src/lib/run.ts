// Running a user's action from a view: one at a time, with failures (and a form's field errors)
// reported the same way.
import { tick } from 'svelte';
import { announce, checkFatal } from './app.svelte';
import { errorMessage } from './errors';
import type { Lang } from './i18n';
import { locale, t } from './locale.svelte';

/** Runs `action`; a failure that is not fatal goes to `onError` and the live region as a message. */
export type Runner = (action: () => Promise<void>, onError: (msg: string) => void) => Promise<void>;

/**
 * A failure as the user learns of it: `null` when it was fatal (the app then shows its fatal
 * screen and nothing else is said), else its message, already announced in the live region.
 * `message` words it (a topic's own wording, such as the invitations'; the general one by default).
 */
export function announceFailure(
  e: unknown,
  message: (e: unknown, lang: Lang) => string = errorMessage,
): string | null {
  if (checkFatal(e)) return null;
  const msg = message(e, locale.lang);
  announce(msg);
  return msg;
}

/**
 * A runner that ignores a call while its previous action still runs (a double click saves
 * once). Views whose parts share one runner (a contact's notes and follow-ups) never run two
 * writes at once.
 */
export function oneAtATime(): Runner {
  let busy = false;
  return async (action, onError) => {
    if (busy) return;
    busy = true;
    try {
      await action();
    } catch (e) {
      const msg = announceFailure(e);
      if (msg !== null) onError(msg);
    } finally {
      busy = false;
    }
  };
}

/**
 * Loads something a view shows, where a later load wins over an earlier one still on its way:
 * `ask` asks the backend, `show` gets the answer; a failure that is not fatal goes to `fail` as a
 * message (not announced: the view shows it where the answer would be). What a load overtaken by
 * a later one brings back, answer or failure, is dropped.
 */
export type Loader = <T>(ask: () => Promise<T>, show: (value: T) => void, fail: (msg: string) => void) => Promise<void>;

export function latestWins(): Loader {
  let seq = 0;
  return async (ask, show, fail) => {
    const mine = ++seq;
    try {
      const value = await ask();
      if (mine !== seq) return;
      show(value);
    } catch (e) {
      if (mine !== seq || checkFatal(e)) return;
      fail(errorMessage(e, locale.lang));
    }
  };
}

/** Focuses the first control of `order` (input ids in form order) with an error, once the errors are on screen. */
export async function focusFirstError(
  order: readonly string[],
  errors: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  await tick();
  const first = order.find((id) => errors[id]);
  if (first) document.getElementById(first)?.focus();
}

/**
 * A form's field errors as the user learns of them: the live region says `intro` ("the form has
 * errors") and the first error in form order, and that error's control gets focus.
 */
export async function reportFieldErrors(
  intro: string,
  order: readonly string[],
  errors: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const first = order.find((id) => errors[id]);
  announce(`${intro} ${first ? (errors[first] ?? '') : ''}`);
  await focusFirstError(order, errors);
}

/** What a form tells `saveFailure` about itself. */
export interface FailingForm {
  /** The text key of "the form has errors", said before the first field error. */
  intro: string;
  /** The input ids in form order. */
  order: readonly string[];
  /** The id of the form's general error, focused once shown; without it focus stays. */
  generalId?: string;
}

/**
 * How a form shows why saving failed: at the field the failure concerns when there is one (an
 * id of `form.order`), said and focused as `reportFieldErrors` does, or else as the form's
 * general error, announced. `show` puts the field errors and the general error on the form; the
 * function returned is called with the field (or null) and the message of each failure.
 */
export function saveFailure(
  form: FailingForm,
  show: (fieldErrors: Record<string, string>, general: string) => void,
): (field: string | null, message: string) => Promise<void> {
  return async (field, message) => {
    if (field) {
      const errors = { [field]: message };
      show(errors, '');
      await reportFieldErrors(t(form.intro), form.order, errors);
      return;
    }
    show({}, message);
    announce(message);
    if (form.generalId) {
      await tick();
      document.getElementById(form.generalId)?.focus();
    }
  };
}
