// The one pending "open this link?" question; ExternalLink.svelte asks, LinkConfirm.svelte answers.

export const linkConfirm = $state<{ link: string | null; opener: HTMLElement | null }>({ link: null, opener: null });

/** Asks the user whether to open `link` (already checked with `linkFor`). */
export function askToOpen(link: string): void {
  linkConfirm.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  linkConfirm.link = link;
}
