// Roles over time (issue 17), the UI's side: when the contact form asks "Korrektur oder Wechsel
// der Stelle?", and how the "Stellen" section shows a role's span. No Svelte, no backend calls:
// unit-tested in roles.test.ts.
import type { Role, Themenfeld } from '../backend';
import { type Lang, translate } from './i18n';

/** A contact's post as the form holds it: the role text and the organisation. */
export interface Post {
  role: string | null;
  organizationId: number | null;
}

/**
 * What saving the form means for the contact's post, by the rule of crates/core's `edit_meaning`:
 * `unchanged` (nothing to ask), `first` (there was no post before: it is simply written), `ask`
 * (there was one and it changed: correction or change of post?). Blanks around the role do not
 * count; a role that stays empty is no change.
 */
export function editMeaning(old: Post, next: Post): 'unchanged' | 'first' | 'ask' {
  const norm = (s: string | null) => s?.trim() || null;
  const [oldRole, newRole] = [norm(old.role), norm(next.role)];
  if (oldRole === newRole && old.organizationId === next.organizationId) return 'unchanged';
  if (oldRole === null && old.organizationId === null) return 'first';
  return 'ask';
}

/** A role date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) as people read it: 2024, 03/2024, 15.03.2024. */
export function roleDate(d: string, lang: Lang): string {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(d.trim());
  if (!m) return d;
  const [, y, mo, day] = m;
  if (day) return lang === 'de' ? `${day}.${mo}.${y}` : `${y}-${mo}-${day}`;
  if (mo) return `${mo}/${y}`;
  return y;
}

/**
 * The span of a role: "seit 03/2024" while held, "2021–2024" when over, "bis 2024" or "" when a
 * date is not known. A role that started and ended in the same year shows that year once.
 */
export function roleSpan(role: Pick<Role, 'from' | 'to'>, lang: Lang): string {
  const from = role.from ? roleDate(role.from, lang) : null;
  const to = role.to ? roleDate(role.to, lang) : null;
  if (from && to) return from === to ? from : `${from}–${to}`;
  if (from) return translate(lang, 'roles.since', { date: from });
  if (to) return translate(lang, 'roles.until', { date: to });
  return '';
}

/** Current roles first, then the latest end, then the latest start (like the store's order). */
export function sortRoles(roles: readonly Role[]): Role[] {
  const desc = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : b.localeCompare(a));
  return [...roles].sort(
    (a, b) =>
      Number(a.to !== null) - Number(b.to !== null) || desc(a.to, b.to) || desc(a.from, b.from) || b.id - a.id,
  );
}

/** One role as the "Stellen" section shows it: plain text only. */
export interface RoleLine {
  id: number;
  current: boolean;
  /** "OZG-Koordinatorin · Sächsische Staatskanzlei"; a role without function shows only its place. */
  title: string;
  span: string;
  themenfeld: string | null;
}

export function roleLine(role: Role, themenfelder: readonly Themenfeld[], lang: Lang): RoleLine {
  const fn = role.function.trim();
  const title =
    [fn, role.organization].filter((s): s is string => !!s && s.trim() !== '').join(' · ') ||
    translate(lang, 'roles.unnamed');
  const tf = role.themenfeld ? themenfelder.find((t) => t.key === role.themenfeld) : undefined;
  return {
    id: role.id,
    current: role.to === null,
    title,
    span: roleSpan(role, lang),
    themenfeld: tf ? (lang === 'en' ? tf.name_en : tf.name_de) : role.themenfeld,
  };
}
