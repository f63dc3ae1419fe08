// Mock domain: GDPR tools (information export, erasure, contacts not met for a while), the
// settings table and the small shell commands (external links, default folder, start-up).
import { contacts, get } from './contacts';
import { DOWNLOADS, invalid, settings, touched, written } from './state';
import type { MockHandlers } from './types';

const MONTH_MS = 30.4 * 86_400_000;

export const privacyHandlers = {
  privacy_export: ({ id, dir }) => {
    get(id);
    return written(dir, [`auskunft-${id}.json`, `auskunft-${id}.vcf`]);
  },
  privacy_erase: ({ ids }) => {
    for (let i = contacts.length - 1; i >= 0; i--) if (ids.includes(contacts[i].id)) contacts.splice(i, 1);
    touched();
  },
  // The mock does not look at encounters here: everyone created before the cut-off is listed.
  privacy_stale: ({ months }) =>
    contacts
      .filter((c) => !c.deleted && Date.parse(c.created_at) < Date.now() - months * MONTH_MS + 1)
      .map((c) => ({ id: c.id, name: c.name, organization: c.organization, last_met: null, created_at: c.created_at })),
  // A made-up key of the real shape (14 groups of four Crockford base32 characters).
  privacy_recovery_key: () => Array.from({ length: 14 }, (_, i) => `${'K7M3Q9XT'.slice(i % 5, (i % 5) + 4)}`).join('-'),
} satisfies Partial<MockHandlers>;

export const settingsHandlers = {
  setting_get: ({ key }) => settings[key] ?? null,
  setting_set: ({ key, value }) => {
    settings[key] = value;
  },
  export_dir_default: () => DOWNLOADS,
  open_external: ({ url }) => {
    if (!/^(https?:\/\/|mailto:)\S+$/i.test(url)) throw invalid('link_refused', 'url', 'only https, http and mailto links are opened');
    // The app asks in a dialog of the operating system; the mock says yes.
    console.warn('[mock] open_external', url);
    return true;
  },
  app_ready: () => {
    console.warn('[mock] app_ready');
  },
  opens_take: () => [],
  accessibility_statement: () => ({
    body_name: settings['a11y_body_name'] ?? '',
    contact_email: settings['a11y_contact_email'] ?? '',
    arbitration_name: settings['a11y_arbitration_name'] || 'Schlichtungsstelle nach dem Behindertengleichstellungsgesetz (BGG)',
    arbitration_url: settings['a11y_arbitration_url'] || 'https://www.schlichtungsstelle-bgg.de',
    version: '0.0.0-dev',
  }),
  report_barrier: ({ view, language }) => {
    console.warn('[mock] report_barrier', view, language);
    return true;
  },
  // The mock has no dialog: it answers the default folder.
  choose_folder: () => DOWNLOADS,
} satisfies Partial<MockHandlers>;
