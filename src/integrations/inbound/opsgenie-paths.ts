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
 * - A `%` that does not start a percent-escape is taken literally (`%25`), so an identifier sent
 *   unencoded (`100%-cpu`) is not a 400.
 *
 * Paths under `/api/`, `/hooks/`, `/slack/` and the PagerDuty Events paths are never touched.
 */

const RESOURCES = ['alerts', 'heartbeats', 'schedules', 'teams', 'integrations', 'users', 'escalations'] as const;
const OPSGENIE = new RegExp(`^(/.*?)??/?(v2/(?:${RESOURCES.join('|')}))(?=/|$)(.*)$`);
const UNTOUCHED = /^\/(api|hooks|slack|generic|healthz|readyz|metrics)(\/|$)/;

/** Returns the URL (path + query) Vigil routes for an OpsGenie client's URL; other URLs unchanged. */
export function normalizeOpsGenieUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  let query = q === -1 ? '' : url.slice(q);
  if (UNTOUCHED.test(path)) return url;
  const m = OPSGENIE.exec(path);
  if (!m) return url;
  let rest = m[3] ?? '';
  if (query === '') {
    const amp = /\/(notes|logs|tags|details|recipients)\/?&(.*)$/.exec(rest);
    if (amp) {
      rest = rest.slice(0, amp.index) + `/${amp[1]}`;
      query = `?${amp[2]}`;
    }
  }
  path = `/${m[2]}${rest}`.replace(/\/+$/, '');
  path = path.replace(/%(?![0-9A-Fa-f]{2})/g, '%25');
  return path + query;
}
