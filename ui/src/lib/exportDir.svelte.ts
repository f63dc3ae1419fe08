// The folder an export writes to (invitations, the RSVP list, a person's data): empty means the
// default folder, which the field then shows once it is known or once a file was written there.
import { backend, type Written } from '../backend';
import { checkFatal } from './app.svelte';

/** The text of an export-folder field, shared by every view that writes files. */
export class ExportDir {
  /** What the field shows; bound to its input. */
  value = $state('');

  /** Fills the field with the default folder, unless the user typed one meanwhile. */
  async loadDefault(): Promise<void> {
    try {
      const d = await backend.exportDirDefault();
      if (this.value === '' && d) this.value = d;
    } catch (e) {
      checkFatal(e);
    }
  }

  /** The folder to pass to the backend: null for the default one. */
  get target(): string | null {
    const v = this.value.trim();
    return v === '' ? null : v;
  }

  /** After a write: an empty field shows the folder the files went to. */
  wrote(w: Written): void {
    if (this.value.trim() === '') this.value = w.dir;
  }
}
