import { describe, expect, it } from 'vitest';
import { normalizeOpsGenieUrl as n } from './opsgenie-paths.js';

describe('normalizeOpsGenieUrl', () => {
  it.each([
    // opsgenie-sdk (npm) lib/alertV2/AlertV2.js: trailing slashes on every path.
    ['/v2/alerts/', '/v2/alerts'],
    ['/v2/alerts/?limit=5&order=asc', '/v2/alerts?limit=5&order=asc'],
    ['/v2/alerts/a1/close/?identifierType=alias', '/v2/alerts/a1/close?identifierType=alias'],
    ['/v2/heartbeats/web/ping/', '/v2/heartbeats/web/ping'],
    // lib/restApi.js getPathWithData without identifierType: the query glued on with "&".
    ['/v2/alerts/a1/notes/&limit=10&order=asc', '/v2/alerts/a1/notes?limit=10&order=asc'],
    ['/v2/alerts/a1/tags/&tags=prod', '/v2/alerts/a1/tags?tags=prod'],
    // Jira Service Management layout, an api_url with a path, Alertmanager's concatenation without "/".
    ['/jsm/ops/integration/v2/alerts/x/close?identifierType=alias', '/v2/alerts/x/close?identifierType=alias'],
    ['/opsgenie/v2/alerts', '/v2/alerts'],
    ['/opsgeniev2/alerts', '/v2/alerts'],
    ['/a/b/v2/schedules/s/on-calls?flat=true', '/v2/schedules/s/on-calls?flat=true'],
    // A "%" that starts no escape is literal; escapes stay for the router to decode once.
    ['/v2/alerts/100%-cpu?identifierType=alias', '/v2/alerts/100%25-cpu?identifierType=alias'],
    ['/v2/alerts/sentry:%204711/acknowledge?identifierType=alias', '/v2/alerts/sentry:%204711/acknowledge?identifierType=alias'],
    ['/v2/alerts/caf%C3%A9', '/v2/alerts/caf%C3%A9'],
    ['/v2/alerts/%A0x%41', '/v2/alerts/%25A0x%41'],
    // Other paths under a (prefixed) /v2 reach OpsGenie's 404.
    ['/jsm/ops/integration/v2/', '/v2/'],
    ['/a/v2/foo/', '/v2/foo'],
  ])('%s -> %s', (from, to) => expect(n(from)).toBe(to));

  it.each(['/api/v1/alerts/', '/hooks/alertmanager/k', '/v2/enqueue', '/v2/change/enqueue', '/generic/2010-04-15/create_event.json', '/', '/alerts/x', '/v2/alertsx', '/api/v1/x/v2/alerts'])('leaves %s alone', (url) => expect(n(url)).toBe(url));
});
