// The reactive current language and time zone. `t` reads the language, so templates that call `t`
// update on a switch; date formatting reads the zone.
import { DEFAULT_LANG, type Lang, type Params, TIME_ZONE, formatDateTime, formatNumber, translate } from './i18n';
import { isTimeZone } from './events';

export const locale = $state<{ lang: Lang; zone: string }>({ lang: DEFAULT_LANG, zone: TIME_ZONE });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  document.documentElement.lang = lang;
}

/** Sets the user's time zone; unknown zones are ignored. Returns whether it was taken. */
export function setZone(zone: unknown): boolean {
  if (!isTimeZone(zone)) return false;
  locale.zone = zone;
  return true;
}

export function t(key: string, params?: Params): string {
  return translate(locale.lang, key, params);
}

export function fmtDate(iso: string): string {
  return formatDateTime(iso, locale.lang, locale.zone);
}

export function fmtNumber(n: number): string {
  return formatNumber(n, locale.lang);
}
