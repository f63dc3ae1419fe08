/**
 * The wiring every form field shares: which ids describe a control and whether it is invalid.
 * One place for it, so that each form (contact, feed, own event, settings, quick capture)
 * tells screen readers about hints and errors the same way.
 */
import type { HTMLInputAttributes } from 'svelte/elements';

/** What kind of input a field has, as its attributes say (the kinds below, or a caller's own). */
export type InputKind = Pick<
  HTMLInputAttributes,
  'type' | 'autocomplete' | 'spellcheck' | 'inputmode' | 'placeholder' | 'autocapitalize'
>;

/** What a control spreads onto itself so a screen reader hears its hint and its error. */
export interface FieldAria {
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/** The ids that describe a control, space-separated; `undefined` (no attribute) when there are none. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter((x): x is string => !!x).join(' ') || undefined;
}

/** The error paragraph's id of a field when it shows an error: `${id}-error`. */
export function errorId(id: string, error: string | false | null | undefined): string | undefined {
  return error ? `${id}-error` : undefined;
}

/** `aria-invalid` as the forms set it: the attribute only while the field shows an error. */
export function invalidAttr(error: string | false | null | undefined): 'true' | undefined {
  return error ? 'true' : undefined;
}

/**
 * The attributes of a control in a field with the given hint and error: the hint first, then any
 * other describing ids, then the error. With `hintUntilError` the error replaces the hint (the
 * notes and the follow-up form read only the error once there is one).
 */
export function fieldAria(
  id: string,
  opts: { hint?: boolean; error?: string; extra?: (string | false | undefined)[]; hintUntilError?: boolean },
): FieldAria {
  const err = errorId(id, opts.error);
  const hint = opts.hint && !(opts.hintUntilError && err) ? `${id}-hint` : undefined;
  return {
    'aria-invalid': invalidAttr(opts.error),
    'aria-describedby': describedBy(hint, ...(opts.extra ?? []), err),
  };
}

/**
 * The attributes of an address (URL) input: the URL keyboard, no spell check and an `https://`
 * placeholder. Spread before the caller's own attributes, which win (`placeholder="smtps://"`).
 */
export const URL_INPUT = { type: 'url', inputmode: 'url', spellcheck: 'false', placeholder: 'https://' } as const;

/**
 * A line of text that no browser should fill in from its memory (a feed's name, a place, a
 * series' name): the form knows better than the autofill what belongs there.
 */
export const TEXT_INPUT = { type: 'text', autocomplete: 'off' } as const;

/**
 * Text taken exactly as typed (a folder, a tag, a user name): no autofill and no spell check,
 * which would underline or "correct" what is not a word.
 */
export const VERBATIM_INPUT = { type: 'text', autocomplete: 'off', spellcheck: 'false' } as const;

/**
 * A whole number typed as text (months, messages a minute): the number keypad, no autofill. Not
 * `type="number"`, whose spinner and locale rules get in the way; the form checks the value.
 */
export const NUMBER_INPUT = { type: 'text', inputmode: 'numeric', autocomplete: 'off' } as const;

/** A search box: the browser's search field, no autofill and no spell check of the query. */
export const SEARCH_INPUT = { type: 'search', autocomplete: 'off', spellcheck: 'false' } as const;

/** What a form field shows besides its control: the control's id, the label, hint and error. */
export interface NamedField {
  id: string;
  label: string;
  hint?: string;
  error?: string;
}

/**
 * How a form names its fields, all from one key a field: the control's id is `idPrefix` and the
 * key with `-` for `_` (errors are kept by that id), the label's text key is `textPrefix` and the
 * key, the hint's the same with `_hint`. A form built this way spells out only what differs
 * between its fields (the kind of input, the value it binds).
 */
export function fieldNames(
  idPrefix: string,
  textPrefix: string,
  translate: (key: string) => string,
  errors: () => Readonly<Record<string, string | undefined>>,
): (key: string, hint?: boolean) => NamedField {
  return (key, hint = false) => {
    const id = idPrefix + key.replaceAll('_', '-');
    return {
      id,
      label: translate(textPrefix + key),
      hint: hint ? translate(`${textPrefix}${key}_hint`) : undefined,
      error: errors()[id],
    };
  };
}
