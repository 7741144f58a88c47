/**
 * A fake Sentry: a real HTTP server on 127.0.0.1 answering the issue API Vigil calls, and a sender
 * of webhooks the way Sentry delivers them (wire-contracts.md section 5).
 *
 *   PUT /api/0/organizations/{org}/issues/{id}/   {status?, statusDetails?, assignedTo?}  -> 200 issue
 *   PUT /api/0/issues/{id}/                        (the organization-less form)
 *
 * Every request needs `Authorization: Bearer <token>` (else 401 `{"detail": ...}`); an unknown
 * organization or issue is 404; a bad status or an unknown assignee is 400 with field errors.
 *
 * Webhooks: `createIssue` registers an issue and returns its JSON; `issueHook`, `eventAlertHook`,
 * `metricAlertHook` and `legacyHook` build bodies; `send` POSTs one to Vigil with Sentry's headers
 * (`Sentry-Hook-Resource`, `Sentry-Hook-Timestamp`, `Request-ID`, and `Sentry-Hook-Signature` =
 * hex HMAC-SHA256 of the exact body with the client secret).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSentryUser {
  id: string;
  email: string;
  username?: string;
  name: string;
}

export interface FakeSentryIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  level: string;
  status: 'resolved' | 'unresolved' | 'ignored';
  substatus: string | null;
  statusDetails: Record<string, unknown>;
  assignedTo: { type: 'user'; id: string; name: string; email: string } | null;
  count: number;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  project: { id: string; name: string; slug: string; platform: string };
  platform: string;
}

export interface FakeSentryCall {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
}

export interface FakeSentryDelivery {
  status: number;
  body: string;
}

export interface FakeSentry {
  url: string;
  org: string;
  addUser(user: FakeSentryUser): void;
  createIssue(input: {
    id: string;
    title: string;
    culprit?: string;
    level?: string;
    project?: string;
    count?: number;
    userCount?: number;
    at?: number;
  }): FakeSentryIssue;
  issue(id: string): FakeSentryIssue | undefined;
  /** The issue as the integration platform serializes it in `data.issue`. */
  issueJson(id: string): Record<string, unknown>;
  /** An `issue` webhook body (`created`, `resolved`, `ignored`, `assigned`, `unresolved`). */
  issueHook(action: string, id: string): Record<string, unknown>;
  /** One more event of the issue (count + 1) and the `event_alert` body announcing it. */
  eventAlertHook(id: string, options?: { at?: number; rule?: string; environment?: string }): Record<string, unknown>;
  metricAlertHook(action: 'critical' | 'warning' | 'resolved', input: { id: string; title: string; text?: string }): Record<string, unknown>;
  /** The legacy WebHooks plugin body for one more event of the issue. */
  legacyHook(id: string, options?: { at?: number }): Record<string, unknown>;
  /** POSTs a body to Vigil as Sentry does; `secret` null sends no signature (legacy plugin). */
  send(url: string, body: Record<string, unknown>, options: { resource?: string; secret: string | null; signature?: string }): Promise<FakeSentryDelivery>;
  sign(secret: string, rawBody: string): string;
  calls(): FakeSentryCall[];
  /** The next API request gets this answer instead. */
  failNext(status: number, body?: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function startFakeSentry(options: { token: string; org?: string }): Promise<FakeSentry> {
  const org = options.org ?? 'acme';
  const issues = new Map<string, FakeSentryIssue>();
  const users = new Map<string, FakeSentryUser>();
  const calls: FakeSentryCall[] = [];
  const failures: Array<{ status: number; body: unknown; headers?: Record<string, string> }> = [];
  let baseUrl = '';

  const webUrl = (i: FakeSentryIssue) => `${baseUrl}/organizations/${org}/issues/${i.id}/`;
  const issueJson = (i: FakeSentryIssue): Record<string, unknown> => ({
    id: i.id,
    shortId: i.shortId,
    title: i.title,
    culprit: i.culprit,
    level: i.level,
    status: i.status,
    substatus: i.substatus,
    statusDetails: i.statusDetails,
    assignedTo: i.assignedTo,
    count: String(i.count),
    userCount: i.userCount,
    firstSeen: i.firstSeen,
    lastSeen: i.lastSeen,
    platform: i.platform,
    project: i.project,
    metadata: { type: i.title.split(':')[0], value: i.title.split(':').slice(1).join(':').trim(), filename: 'app.js' },
    hasSeen: false,
    isBookmarked: false,
    isPublic: false,
    isSubscribed: false,
    type: 'error',
    issueType: 'error',
    issueCategory: 'error',
    numComments: 0,
    permalink: webUrl(i),
    url: `${baseUrl}/api/0/organizations/${org}/issues/${i.id}/`,
    web_url: webUrl(i),
    project_url: `${baseUrl}/organizations/${org}/issues/?project=${i.project.id}`,
  });

  const envelope = (action: string, data: Record<string, unknown>) => ({
    action,
    installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
    data,
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
  });

  function resolveActor(v: unknown): FakeSentryIssue['assignedTo'] | 'unknown' {
    if (v === null || v === '') return null;
    if (typeof v !== 'string') return 'unknown';
    const m = /^user:(.+)$/.exec(v);
    const u = m ? users.get(m[1]!) : [...users.values()].find((x) => x.email.toLowerCase() === v.toLowerCase() || x.username === v);
    return u ? { type: 'user', id: u.id, name: u.name, email: u.email } : 'unknown';
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      calls.push({ method: req.method ?? 'GET', path: url.pathname, body, authorization: req.headers.authorization ?? null });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${options.token}`) return send(401, { detail: 'Invalid token' });
      const failure = failures.shift();
      if (failure) return send(failure.status, failure.body, failure.headers);
      const m = /^\/api\/0\/(?:organizations\/([^/]+)\/)?issues\/([^/]+)\/$/.exec(url.pathname);
      if (!m) return send(404, { detail: 'The requested resource does not exist' });
      if (m[1] !== undefined && m[1] !== org) return send(404, { detail: 'The requested resource does not exist' });
      const issue = issues.get(decodeURIComponent(m[2]!));
      if (!issue) return send(404, { detail: 'The requested resource does not exist' });
      if (req.method === 'GET') return send(200, issueJson(issue));
      if (req.method !== 'PUT') return send(405, { detail: `Method "${req.method}" not allowed.` });
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return send(400, { detail: 'Malformed request.' });
      const b = body as Record<string, unknown>;
      const errors: Record<string, string[]> = {};
      if (b.status !== undefined && !['resolved', 'resolvedInNextRelease', 'unresolved', 'ignored'].includes(String(b.status)))
        errors.status = [`"${String(b.status)}" is not a valid choice.`];
      if (b.statusDetails !== undefined && (typeof b.statusDetails !== 'object' || b.statusDetails === null))
        errors.statusDetails = ['Expected a dictionary of items.'];
      let actor: FakeSentryIssue['assignedTo'] | 'unknown' | undefined;
      if (b.assignedTo !== undefined) {
        actor = resolveActor(b.assignedTo);
        if (actor === 'unknown') errors.assignedTo = ['Unknown actor input'];
      }
      if (Object.keys(errors).length) return send(400, errors);
      if (b.status !== undefined) {
        issue.status = b.status === 'resolvedInNextRelease' ? 'resolved' : (b.status as FakeSentryIssue['status']);
        issue.substatus = issue.status === 'ignored' ? 'archived_until_escalating' : issue.status === 'unresolved' ? 'ongoing' : null;
        issue.statusDetails = (b.statusDetails as Record<string, unknown> | undefined) ?? {};
      }
      if (actor !== undefined && actor !== 'unknown') issue.assignedTo = actor;
      return send(200, issueJson(issue));
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (secret: string, rawBody: string) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(rawBody, 'utf8')).digest('hex');
  const must = (id: string) => {
    const i = issues.get(id);
    if (!i) throw new Error(`fake sentry: no issue ${id}`);
    return i;
  };

  return {
    url: baseUrl,
    org,
    addUser(u) {
      users.set(u.id, u);
    },
    createIssue(input) {
      const at = input.at ?? Date.now();
      const project = input.project ?? 'web';
      const issue: FakeSentryIssue = {
        id: input.id,
        shortId: `${project.toUpperCase()}-${Number(input.id).toString(36).toUpperCase()}`,
        title: input.title,
        culprit: input.culprit ?? 'app/handlers.js in handle',
        level: input.level ?? 'error',
        status: 'unresolved',
        substatus: 'new',
        statusDetails: {},
        assignedTo: null,
        count: input.count ?? 1,
        userCount: input.userCount ?? 1,
        firstSeen: iso(at),
        lastSeen: iso(at),
        project: { id: '42', name: project, slug: project, platform: 'javascript' },
        platform: 'javascript',
      };
      issues.set(issue.id, issue);
      return issue;
    },
    issue: (id) => issues.get(id),
    issueJson: (id) => issueJson(must(id)),
    issueHook: (action, id) => envelope(action, { issue: issueJson(must(id)) }),
    eventAlertHook(id, o = {}) {
      const i = must(id);
      const at = o.at ?? Date.now();
      i.count += 1;
      i.lastSeen = iso(at);
      const eventId = randomUUID().replace(/-/g, '');
      return envelope('triggered', {
        event: {
          event_id: eventId,
          issue_id: i.id,
          issue_url: `${baseUrl}/api/0/organizations/${org}/issues/${i.id}/`,
          url: `${baseUrl}/api/0/projects/${org}/${i.project.slug}/events/${eventId}/`,
          web_url: `${webUrl(i)}events/${eventId}/`,
          title: i.title,
          message: i.title,
          culprit: i.culprit,
          level: i.level,
          platform: i.platform,
          project: Number(i.project.id),
          environment: o.environment ?? 'production',
          datetime: iso(at),
          timestamp: at / 1000,
          tags: [
            ['environment', o.environment ?? 'production'],
            ['level', i.level],
          ],
          fingerprint: ['{{ default }}'],
        },
        triggered_rule: o.rule ?? 'Send a notification for new events',
        issue_alert: { title: o.rule ?? 'Send a notification for new events', settings: [] },
      });
    },
    metricAlertHook(action, input) {
      return envelope(action, {
        metric_alert: {
          id: input.id,
          identifier: input.id,
          title: input.title,
          status: action === 'resolved' ? 2 : 20,
          alert_rule: { id: '7', name: input.title, aggregate: 'count()', query: '', dataset: 'events', time_window: 5 },
        },
        description_title: input.title,
        description_text: input.text ?? `${input.title}: threshold crossed`,
        web_url: `${baseUrl}/organizations/${org}/alerts/rules/details/7/`,
      });
    },
    legacyHook(id, o = {}) {
      const i = must(id);
      const at = o.at ?? Date.now();
      i.count += 1;
      i.lastSeen = iso(at);
      const eventId = randomUUID().replace(/-/g, '');
      return {
        id: i.id,
        project: i.project.slug,
        project_name: i.project.name,
        project_slug: i.project.slug,
        logger: null,
        level: i.level,
        culprit: i.culprit,
        message: i.title,
        url: `${webUrl(i)}?referrer=webhooks_plugin`,
        triggering_rules: ['Send a notification for new events'],
        event: {
          event_id: eventId,
          id: eventId,
          title: i.title,
          culprit: i.culprit,
          level: i.level,
          platform: i.platform,
          datetime: iso(at),
          timestamp: at / 1000,
          environment: 'production',
          tags: [
            ['environment', 'production'],
            ['level', i.level],
          ],
        },
      };
    },
    async send(url, body, o) {
      const raw = JSON.stringify(body);
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Request-ID': randomUUID().replace(/-/g, '') };
      if (o.resource) {
        headers['Sentry-Hook-Resource'] = o.resource;
        headers['Sentry-Hook-Timestamp'] = String(Math.floor(Date.now() / 1000));
      } else {
        headers['User-Agent'] = 'sentry-webhooks/24.1.0';
      }
      if (o.signature !== undefined) headers['Sentry-Hook-Signature'] = o.signature;
      else if (o.secret) headers['Sentry-Hook-Signature'] = sign(o.secret, raw);
      const res = await fetch(url, { method: 'POST', headers, body: raw, redirect: 'manual' });
      return { status: res.status, body: await res.text() };
    },
    sign,
    calls: () => [...calls],
    failNext(status, body, headers) {
      failures.push({ status, body: body ?? { detail: `Injected failure ${status}` }, ...(headers ? { headers } : {}) });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
