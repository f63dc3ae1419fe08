// The reactive current language. `t` reads it, so templates that call `t` update on a switch.
import { DEFAULT_LANG, type Lang, type Params, formatDateTime, formatNumber, translate } from './i18n';

export const locale = $state<{ lang: Lang }>({ lang: DEFAULT_LANG });

export function setLang(lang: Lang): void {
  locale.lang = lang;
  document.documentElement.lang = lang;
}

export function t(key: string, params?: Params): string {
  return translate(locale.lang, key, params);
}

export function fmtDate(iso: string): string {
  return formatDateTime(iso, locale.lang);
}

export function fmtNumber(n: number): string {
  return formatNumber(n, locale.lang);
}
