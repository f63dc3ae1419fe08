// Keyboard movement in the result lists (contacts, events): one rule for both, so the lists
// behave alike. Returns the row to focus, 'top' to leave the list upwards (back to its search
// box), or null when the key is not a movement key.
export function rowTarget(e: Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey'>, i: number, count: number): number | 'top' | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  let next: number;
  if (e.key === 'ArrowDown') next = i + 1;
  else if (e.key === 'ArrowUp') next = i - 1;
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = count - 1;
  else if (e.key === 'PageDown') next = i + 10;
  else if (e.key === 'PageUp') next = i - 10;
  else return null;
  if (e.key === 'ArrowUp' && i === 0) return 'top';
  return Math.max(0, Math.min(count - 1, next));
}
