// Views stay mounted while another one is shown (their state and scroll survive); coming back to
// one reloads what may have changed meanwhile.

/** Runs `onReturn` each time `active()` turns from false to true. Call it while a component is set up. */
export function onShownAgain(active: () => boolean, onReturn: () => void): void {
  let wasActive = true;
  $effect(() => {
    const now = active();
    if (now && !wasActive) onReturn();
    wasActive = now;
  });
}
