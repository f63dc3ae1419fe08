// Keys of the forms that open inside a view (feed, own event). A form takes no key handlers
// itself, so the forms listen on the window and ask here whether a key was meant for them.

/**
 * True when `e` is an Esc pressed inside `form` that nothing handled yet; then the key is
 * consumed (default prevented, propagation stopped) so the view behind does not react too.
 */
export function escapeInside(form: HTMLElement | undefined, e: KeyboardEvent): boolean {
  if (e.defaultPrevented || !form || !(e.target instanceof Node) || !form.contains(e.target)) return false;
  if (e.key !== 'Escape') return false;
  e.preventDefault();
  e.stopPropagation();
  return true;
}
