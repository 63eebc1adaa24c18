// The web pages' addresses that notices link to (SPEC §6; route names in docs/decisions.md).
// Hash routes, so the static host serves one page for all of them and the token never leaves it.

/** A unit's slot: `#/u/<obligationId>/<period>`. */
export const slotRoute = (obligationId: string, period: string) =>
  `#/u/${encodeURIComponent(obligationId)}/${encodeURIComponent(period)}`;

/** The office's overdue list. */
export const OVERDUE_ROUTE = '#/o/overdue';

/** `<webBaseUrl>/<route>`, or undefined when no web address is configured (then notices carry no link). */
export function webLink(webBaseUrl: string | undefined, route: string): string | undefined {
  if (!webBaseUrl) return undefined;
  return `${webBaseUrl.replace(/\/+$/, '')}/${route}`;
}

/** The link to one slot's page, as every email to a unit ends with. */
export const slotLink = (webBaseUrl: string | undefined, obligationId: string, period: string) =>
  webLink(webBaseUrl, slotRoute(obligationId, period));
