// The sync status the whole app shows: polled every few seconds while the window is visible
// (every second while a sync runs), and right after "Jetzt abgleichen".
import { backend, type DavSyncReport, type SyncState } from '../backend';
import { app, checkFatal } from './app.svelte';
import { pollDelay } from './sync';

export const syncState = $state<{
  status: SyncState | null;
  /** "Jetzt abgleichen" was pressed and has not answered yet. */
  running: boolean;
}>({ status: null, running: false });

let timer: ReturnType<typeof setTimeout> | undefined;
let polling = false;
let seq = 0;

/** Asks for the status now; keeps the last one when asking fails (the next poll tries again). */
export async function refreshSyncStatus(): Promise<SyncState | null> {
  const mine = ++seq;
  try {
    const s = await backend.syncStatus();
    // An older answer arriving late must not overwrite a newer one.
    if (mine === seq) syncState.status = s;
    return s;
  } catch (e) {
    checkFatal(e);
    return syncState.status;
  }
}

function schedule(delay = pollDelay(syncState.status, syncState.running)) {
  clearTimeout(timer);
  // Nothing to ask while the window is hidden, or once the database is unusable.
  if (!polling || app.fatal || document.visibilityState === 'hidden') return;
  timer = setTimeout(async () => {
    await refreshSyncStatus();
    schedule();
  }, delay);
}

function onVisibility() {
  if (document.visibilityState === 'visible') {
    void refreshSyncStatus();
    schedule();
  } else {
    clearTimeout(timer);
  }
}

/** Starts polling (once); returns the function that stops it. */
export function startSyncPolling(): () => void {
  if (!polling) {
    polling = true;
    document.addEventListener('visibilitychange', onVisibility);
    void refreshSyncStatus();
    schedule();
  }
  return () => {
    polling = false;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * Syncs now. The status is polled every second meanwhile (for the progress) and once more at
 * the end. Rejects with the backend's error; the error is also in the status afterwards.
 */
export async function syncNow(): Promise<DavSyncReport | null> {
  syncState.running = true;
  schedule(300);
  try {
    return await backend.syncNow();
  } finally {
    syncState.running = false;
    await refreshSyncStatus();
    schedule();
  }
}
