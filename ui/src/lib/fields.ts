/**
 * The wiring every form field shares: which ids describe a control and whether it is invalid.
 * One place for it, so that each form (contact, feed, own event, settings, quick capture)
 * tells screen readers about hints and errors the same way.
 */

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
