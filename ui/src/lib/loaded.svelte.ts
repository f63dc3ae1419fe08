// Something a view loads from the backend and shows, with the error of its latest load in its
// place: the timeline of a contact, the attendance of an event, the replies to an invitation.
import { latestWins } from './run';

export class Loaded<T> {
  /** The latest answer; null until the first one. */
  value = $state<T | null>(null);
  /** Why the latest load failed; empty after an answer. */
  error = $state('');
  #latest = latestWins();

  /**
   * Asks again; a later load wins over an earlier one still on its way (see `latestWins`). An
   * answer replaces the value and clears the error; a failure sets the error and keeps the value.
   */
  async load(ask: () => Promise<T>): Promise<void> {
    await this.#latest(
      ask,
      (value) => {
        this.value = value;
        this.error = '';
      },
      (msg) => (this.error = msg),
    );
  }
}
