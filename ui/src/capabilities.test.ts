// The shell grants the web view exactly the commands this UI calls (issue 7: a locked-down
// shell). Both lists are read from their files, so a new command must be added to both, and a
// command the UI stopped using loses its permission.
import { describe, expect, it } from 'vitest';
import backendSource from './backend.ts?raw';
import capability from '../../src-tauri/capabilities/default.json';
import tauriConf from '../../tauri.conf.json';

describe('locked-down shell', () => {
  it('allows exactly the commands backend.ts calls', () => {
    const called = new Set([...backendSource.matchAll(/call(?:<.*?>)?\('([a-z_]+)'/g)].map((m) => m[1]));
    const allowed = new Set(
      capability.permissions.map((p: string) => {
        expect(p.startsWith('allow-'), `${p} is not an app command permission`).toBe(true);
        return p.slice('allow-'.length).replace(/-/g, '_');
      }),
    );
    expect([...allowed].sort()).toEqual([...called].sort());
  });

  it('has a strict Content-Security-Policy: no remote or inline script, no eval', () => {
    const csp: string = tauriConf.app.security.csp;
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!ipc\.localhost)/);
  });
});
