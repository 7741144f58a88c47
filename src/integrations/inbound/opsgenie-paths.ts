/**
 * The OpsGenie API's paths as its real clients send them, rewritten to the one layout Vigil routes.
 * Applied to every request before routing (Fastify's `rewriteUrl`); pure.
 *
 * - A path prefix before `/v2/<resource>` is dropped: the Jira Service Management layout
 *   (`/jsm/ops/integration/v2/alerts`, same GenieKey), an `api_url` with a path
 *   (`https://vigil.example.com/opsgenie/` -> `/opsgenie/v2/alerts`) and Alertmanager's string
 *   concatenation without a slash (`/opsgeniev2/alerts`).
 * - Trailing slashes are dropped (`POST /v2/alerts/`: the Node `opsgenie-sdk`, Zabbix's media type).
 * - The Node SDK's `.../notes/&limit=10` (a query appended with `&` when no `identifierType` was given)
 *   gets its `?`.
 * - A path segment that does not decode (a `%` that starts no escape, an escape that is not UTF-8) is
 *   taken literally, so an identifier sent unencoded (`100%-cpu`) is not a 400.
 *
 * Paths under `/api/`, `/hooks/`, `/slack/` and the PagerDuty Events paths are never touched.
 */

const RESOURCES = ['alerts', 'heartbeats', 'schedules', 'teams', 'integrations', 'users', 'escalations'] as const;
const OPSGENIE = new RegExp(`^(/.*?)??/?(v2/(?:${RESOURCES.join('|')}))(?=/|$)(.*)$`);
const UNTOUCHED = /^\/(api|hooks|slack|generic|healthz|readyz|metrics)(\/|$)/;

/** Returns the URL (path + query) Vigil routes for an OpsGenie client's URL; other URLs unchanged. */
export function normalizeOpsGenieUrl(url: string): string {
  // The paths nearly every request has, already in the routed layout (the hot intake path).
  if (url === '/v2/alerts' || url === '/v2/enqueue' || url === '/healthz') return url;
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  let query = q === -1 ? '' : url.slice(q);
  if (UNTOUCHED.test(path)) return url;
  const m = OPSGENIE.exec(path);
  if (!m) {
    // Another path under a prefixed /v2: OpsGenie's own 404 answers it (the router's catch-all).
    const v2 = /^(?:\/.*?)?(\/v2)(?=\/|$)(.*)$/.exec(path);
    if (!v2) return url;
    return literalPercent(`/v2${(v2[2] ?? '').replace(/\/+$/, '')}`.replace(/^\/v2$/, '/v2/')) + query;
  }
  let rest = m[3] ?? '';
  if (query === '') {
    const amp = /\/(notes|logs|tags|details|recipients)\/?&(.*)$/.exec(rest);
    if (amp) {
      rest = rest.slice(0, amp.index) + `/${amp[1]}`;
      query = `?${amp[2]}`;
    }
  }
  path = `/${m[2]}${rest}`.replace(/\/+$/, '');
  return literalPercent(path) + query;
}

/** Segments that do not decode (a stray `%`, an escape that is not UTF-8) are taken literally. */
const literalPercent = (path: string): string =>
  path
    .split('/')
    .map((seg) => {
      if (!seg.includes('%')) return seg;
      try {
        decodeURIComponent(seg);
        return seg;
      } catch {
        return seg.replace(/%(?![0-9A-Fa-f]{2})/g, '%25').replace(/%([0-9A-Fa-f]{2})/g, (all, hex: string) => (parseInt(hex, 16) < 0x80 ? all : `%25${hex}`));
      }
    })
    .join('/');
