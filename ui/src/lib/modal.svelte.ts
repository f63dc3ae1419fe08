// A modal <dialog> driven by a bindable `open`: true shows it modally, false closes it. The
// dialog's own close (Esc, a button) is the component's `onclose`, which sets `open` back.

/**
 * Keeps `dialog()` shown while `open()` is true. `onopen` runs just before it is shown (note the
 * opener, reset the content, schedule the first focus). Call it while a component is set up.
 */
export function modalWhileOpen(
  dialog: () => HTMLDialogElement | undefined,
  open: () => boolean,
  onopen: () => void,
): void {
  $effect(() => {
    const d = dialog();
    if (!d) return;
    if (open() && !d.open) {
      onopen();
      d.showModal();
    } else if (!open() && d.open) {
      d.close();
    }
  });
}
