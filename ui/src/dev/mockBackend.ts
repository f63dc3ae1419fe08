// Development only: an in-memory stand-in for the Rust commands, so `npm run dev` works in a
// plain browser. main.ts imports it behind `import.meta.env.DEV`, so it never ships.
//
// It implements backend.ts's `Commands` contract (see types.ts): every command, with its argument
// and result types, so a command added, renamed or changed on one side fails `npm run check` until
// the other follows. One file per domain holds the handlers; files are not parsed and duplicates
// are not detected here: fixtures/ holds fixed answers for those (see fixtures/imports.ts).
//
// URL parameters: `?fatal=too_new|corrupt|open` simulates an unusable database, `?n=5000` sets
// the number of generated contacts, `?feeds=0` starts without calendar feeds, `?sync=1` starts with
// a sync account and two conflicts, `?sync=error` with an account whose last sync failed.
import { mockIPC } from '@tauri-apps/api/mocks';
import type { BackendError, CommandArgs, CommandName } from '../backend';
import { contactHandlers, seedContacts } from './contacts';
import { eventHandlers, seedFeeds } from './events';
import { importHandlers, seedDuplicates } from './imports';
import { invitationHandlers, seedOwnEvents } from './invitations';
import { networkingHandlers, seedNetworking } from './networking';
import { privacyHandlers, settingsHandlers } from './privacy';
import { roleHandlers } from './roles';
import { seedSeries, seriesHandlers } from './series';
import { delay, setLatency } from './state';
import { seedSync, syncHandlers } from './sync';
import type { MockHandlers } from './types';

/** Every command; a command of `Commands` that no domain answers is a type error here. */
const handlers: MockHandlers = {
  ...contactHandlers,
  ...roleHandlers,
  ...eventHandlers,
  ...networkingHandlers,
  ...seriesHandlers,
  ...importHandlers,
  ...invitationHandlers,
  ...syncHandlers,
  ...privacyHandlers,
  ...settingsHandlers,
};

function isCommand(cmd: string): cmd is CommandName {
  return Object.prototype.hasOwnProperty.call(handlers, cmd);
}

/**
 * The IPC boundary: the payload comes from backend.ts's typed `call`, the only sender, so an
 * object (or nothing, for commands without arguments) is that command's argument object.
 */
function isArgsOf<K extends CommandName>(_cmd: K, payload: unknown): payload is CommandArgs<K> {
  return payload === undefined || (typeof payload === 'object' && payload !== null && !Array.isArray(payload));
}

function dispatch<K extends CommandName>(cmd: K, payload: unknown): unknown {
  if (!isArgsOf(cmd, payload)) throw { kind: 'internal', message: `mock: ${cmd} got no argument object` } satisfies BackendError;
  const handler: MockHandlers[K] = handlers[cmd];
  return handler(payload);
}

export interface MockOptions {
  /** Scale of the simulated delays (1: like a slow machine; 0: none, for tests). */
  latency?: number;
}

/** Seeds the in-memory data from the URL parameters and answers every command through `mockIPC`. */
export function installMockBackend(params = new URLSearchParams(location.search), options: MockOptions = {}): void {
  const latency = options.latency ?? 1;
  setLatency(latency);
  const fatal = params.get('fatal');
  seedContacts(Number(params.get('n') ?? 1200));
  if (params.get('feeds') !== '0') seedFeeds();
  seedDuplicates();
  seedNetworking();
  seedSeries();
  seedOwnEvents();
  seedSync(params.get('sync'));

  mockIPC(async (cmd, payload) => {
    await delay(5 + Math.random() * 20);
    if (fatal) {
      throw { kind: fatal, message: `the database /home/user/.local/share/vernetzt/vernetzt.db: simulated '${fatal}'` } satisfies BackendError;
    }
    if (!isCommand(cmd)) throw { kind: 'internal', message: `mock: unknown command ${cmd}` } satisfies BackendError;
    return dispatch(cmd, payload);
  });
}
