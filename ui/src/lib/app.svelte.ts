// Application-wide state: the fatal database error, the polite live region and the toast.
import type { BackendError } from '../backend';
import { isFatal, toBackendError } from './errors';

export interface ToastState {
  id: number;
  message: string;
  undoLabel?: string;
  undo?: () => Promise<void> | void;
}

export const app = $state<{ fatal: BackendError | null; status: string; toast: ToastState | null }>({
  fatal: null,
  status: '',
  toast: null,
});

let announceTimer: ReturnType<typeof setTimeout> | undefined;

/** Puts a message into the polite live region (cleared first so a repeat is spoken again). */
export function announce(message: string): void {
  clearTimeout(announceTimer);
  app.status = '';
  announceTimer = setTimeout(() => {
    app.status = message;
  }, 30);
}

/** Records a fatal error (database unusable). Returns true if it was one. */
export function checkFatal(e: unknown): boolean {
  if (isFatal(e)) {
    app.fatal = toBackendError(e);
    return true;
  }
  return false;
}

let toastSeq = 0;

export function showToast(t: Omit<ToastState, 'id'>): void {
  app.toast = { ...t, id: ++toastSeq };
}

export function dismissToast(): void {
  app.toast = null;
}
