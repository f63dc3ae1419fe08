// Links from outside data (a card's website and e-mail addresses, a feed's event URL, a feed's
// address) never navigate the web view: ExternalLink.svelte hands them to the shell
// (`open_external`), which asks the user in a dialog of the operating system before the system
// browser or mail program opens them. Pure decisions here: what is shown as a link at all.

export type LinkKind = 'web' | 'mail';

const MAX_LEN = 2048;

/**
 * Whether the shell will open `link`: only https, http and mailto, no spaces or control
 * characters, at most 2,048 characters, and an address after the scheme. Mirrors
 * `vernetzt_core::rules::external_link`.
 */
export function isOpenable(link: string): boolean {
  const l = link.trim();
  const lower = l.toLowerCase();
  if (!(lower.startsWith('https://') || lower.startsWith('http://') || lower.startsWith('mailto:'))) return false;
  // eslint-disable-next-line no-control-regex
  if (l.length > MAX_LEN || /[\s\u0000-\u001f\u007f-\u009f]/.test(l)) return false;
  const rest = l.slice(l.indexOf(':') + 1).replace(/^\/+/, '');
  if (rest === '') return false;
  return !lower.startsWith('mailto:') || isPlainAddress(l.slice('mailto:'.length));
}

/**
 * One e-mail address and nothing after it: a mailto link from outside data may carry a query
 * (`?attach=…`, `cc=`, `body=`) or several addresses, and some mail programs attach the named
 * local file. `%` is refused because `%3F` decodes to `?`. Mirrors the shell's rule.
 */
function isPlainAddress(v: string): boolean {
  const at = v.indexOf('@');
  if (at <= 0 || at === v.length - 1) return false;
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  // eslint-disable-next-line no-control-regex
  if (/[?&,;%:/\\<>"()[\]@ \u0000-\u001f\u007f-\u009f]/.test(local)) return false;
  return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*$/u.test(domain);
}

/**
 * The link to open for a value shown in the UI, or null when it must stay plain text.
 * E-mail addresses become `mailto:`; a website without scheme (`www.example.de`) gets `https://`.
 * Anything else (`javascript:`, `file:`, `webcal:`, a custom scheme) is not a link.
 */
export function linkFor(value: string | null | undefined, kind: LinkKind): string | null {
  const v = (value ?? '').trim();
  if (v === '') return null;
  let link: string;
  if (kind === 'mail') {
    if (/^mailto:/i.test(v)) link = v;
    else if (/^[^\s@:/]+@[^\s@/]+$/.test(v)) link = `mailto:${v}`;
    else return null;
  } else if (/^https?:\/\//i.test(v)) {
    link = v;
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(v)) {
    return null;
  } else if (/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+([/?#].*)?$/u.test(v)) {
    link = `https://${v}`;
  } else {
    return null;
  }
  return isOpenable(link) ? link : null;
}

/** What the confirm dialog shows: the link as text, without `mailto:` for an address. */
export function linkDisplay(link: string): string {
  return /^mailto:/i.test(link) ? link.slice('mailto:'.length) : link;
}

/** Whether the confirm dialog speaks of the mail program rather than the browser. */
export function isMailLink(link: string): boolean {
  return /^mailto:/i.test(link.trim());
}

/**
 * A link's text cut where a line may break: after `@`, before each `.` and after each `/`, so a
 * long address wraps at its parts ("anna.mueller@" / "bezirksamt" / ".example") instead of in
 * the middle of a word. Joined, the parts are the text unchanged.
 */
export function breakParts(text: string): string[] {
  return text.split(/(?<=[@/])|(?=\.)/).filter((p) => p !== '');
}
