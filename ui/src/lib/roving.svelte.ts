// The roving tab stop of the result lists (contacts, events): only one row is in the tab order,
// the arrow keys move between rows (see `rowTarget`). One implementation, so both lists keep
// behaving alike.
import { rowTarget } from './listKeys';

export interface RovingOptions {
  /** How many rows the list shows now. */
  count: () => number;
  /** The index of the selected row, or -1. */
  selected: () => number;
  /** Selects the row buttons inside the list element, in order. */
  rowSelector: string;
  /** ↑ on the first row: back to the search box. */
  onleavetop: () => void;
}

export class RovingRows {
  /** The row that last had focus. */
  focusIndex = $state(0);
  /** The element holding the rows; bound by the list. */
  el: HTMLElement | undefined = $state();

  #opts: RovingOptions;

  constructor(opts: RovingOptions) {
    this.#opts = opts;
  }

  /** The row in the tab order: the last focused one, else the selected one, else the first. */
  get tabIndex(): number {
    if (this.focusIndex >= 0 && this.focusIndex < this.#opts.count()) return this.focusIndex;
    const sel = this.#opts.selected();
    return sel >= 0 ? sel : 0;
  }

  /** Moves focus to row `i` (clamped to the list). */
  focusRow(i: number): void {
    const count = this.#opts.count();
    if (count === 0) return;
    const idx = Math.max(0, Math.min(count - 1, i));
    this.focusIndex = idx;
    this.el?.querySelectorAll<HTMLElement>(this.#opts.rowSelector)[idx]?.focus();
  }

  /** The key handler of row `i`. */
  onkeydown(e: KeyboardEvent, i: number): void {
    const next = rowTarget(e, i, this.#opts.count());
    if (next === null) return;
    e.preventDefault();
    if (next === 'top') this.#opts.onleavetop();
    else this.focusRow(next);
  }
}
