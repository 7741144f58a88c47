/**
 * Drop-in intake: the OpsGenie Alert API (served at the root, so a client changes only its host),
 * the PagerDuty Events API v2, Alertmanager, Grafana and generic webhooks. Each request is
 * authenticated by its integration key (or vendor signature), mapped to normalized events by the
 * vendor adapter, and answered 2xx only after the events are committed.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateToken, type Principal } from '../../core/auth/auth.js';
import { IntakeBusyError, IntakeError, type AlertEvent } from '../../core/alerts/intake.js';
import type { Integration, Service } from '../../core/alerts/model.js';
import {
  alertRecipients,
  alertTimelineNamed,
  countAlerts,
  listHeartbeatsNamed,
  pingHeartbeatNamed,
  readAlert,
  readHeartbeat,
  readIntakeRequest,
  resolveIntegrationKey,
  searchAlerts,
  type AlertRead,
  type HeartbeatRead,
} from '../../core/alerts/queries.js';
import { onCallUsersBySchedule, scheduleOnCallUsers, schedulesWithTeams, scheduleWithTeam, type ScheduleWithTeam } from '../../core/schedules/schedules.js';
import { integrationCtx, principalCtx, systemCtx, type Ctx } from '../../core/shared/context.js';
import { DomainError } from '../../core/shared/errors.js';
import { newId } from '../../core/shared/ids.js';
import { listTeams, teamWithMembers } from '../../core/teams/teams.js';
import { assertCleanJson } from '../../core/shared/validate.js';
import * as alertmanager from '../../integrations/inbound/alertmanager.js';
import * as generic from '../../integrations/inbound/generic.js';
import * as grafana from '../../integrations/inbound/grafana.js';
import type { IntakeEntry } from '../../integrations/inbound/intake-entries.js';
import * as opsgenie from '../../integrations/inbound/opsgenie.js';
import * as ogRead from '../../integrations/inbound/opsgenie-read.js';
import * as pagerduty from '../../integrations/inbound/pagerduty.js';
import { TokenBucketLimiter } from '../../integrations/shared/http.js';
import { errorBody } from '../errors.js';
import type { App, HttpDeps } from '../types.js';

/** A UUIDv7 request id minted in the last ten minutes (by this server, or one like it). */
function isRecentRequestId(id: string, now: number): boolean {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return false;
  const at = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  return at <= now + 60_000 && at >= now - 10 * 60_000;
}

interface Resolved {
  integration: Integration;
  service: Service;
}

/** Integration keys, cached briefly: intake must not cost a key lookup per request. */
class KeyCache {
  private entries = new Map<string, { value: Resolved | undefined; until: number }>();
  constructor(private readonly ttlMs = 5000) {}
  async get(key: string, load: () => Promise<Resolved | undefined>): Promise<Resolved | undefined> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = await load();
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function intakeRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  const cache = new KeyCache();
  // A token bucket per integration key: bursts allowed, a steady rate enforced (429 + Retry-After).
  const limiter = new TokenBucketLimiter(deps.config.intakeRatePerSecond ?? 100, deps.config.intakeBurst ?? 1000);
  const resolve = (key: string) => cache.get(key, () => resolveIntegrationKey(core, systemCtx(core.clock.now(), deps.config.publicUrl), { key }));
  /** The call of an integration, by its key. */
  const keyCtx = (res: Resolved): Ctx => integrationCtx(res.integration.id, core.clock.now(), deps.config.publicUrl);

  /** Commits an entry on the intake queue, in order per service; resolves once it is durable (and applied, unless under a burst). */
  const submit = (res: Resolved, entry: IntakeEntry) => deps.intake.submit(res.integration.id, entry, res.service.id);
  const busy = (reply: FastifyReply, err: IntakeBusyError) => reply.header('retry-after', String(err.retryAfterSeconds)).status(429);

  void app.register(async (scope) => {
    // Raw bodies: vendor-style errors for malformed JSON, and signatures over the exact bytes.
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    const parseJson = (req: FastifyRequest): unknown => {
      const raw = typeof req.body === 'string' ? req.body : '';
      if (raw.trim() === '') return undefined;
      const value: unknown = JSON.parse(raw);
      // The same text rule as every other route (a DomainError naming the field, 400).
      assertCleanJson(value);
      return value;
    };
    const isBadText = (err: unknown): err is DomainError => err instanceof DomainError && err.kind === 'invalid';

    // -------------------------------------------------------------------------------------------
    // OpsGenie Alert API v2

    // The response metadata the Go SDK (the Terraform provider's client) reads on every answer.
    scope.addHook('onSend', (req, reply, payload, done) => {
      const path = req.url;
      if (path.startsWith('/v2/') && !path.startsWith('/v2/enqueue') && !path.startsWith('/v2/change/')) {
        // Seconds, never 0 (the Go SDK warns on a zero response time).
        void reply.header('x-response-time', Math.max(reply.elapsedTime / 1000, 0.001).toFixed(3));
        void reply.header('x-ratelimit-state', reply.statusCode === 429 ? 'THROTTLED' : 'OK');
        if (reply.statusCode === 429) void reply.header('x-ratelimit-reason', 'INTEGRATION');
      }
      done(null, payload);
    });

    // Request ids are UUIDv7: one issued moments ago whose entry is not applied yet is "pending".
    const ogStart = (req: FastifyRequest) => ({ started: process.hrtime.bigint(), requestId: newId(core.clock.now()), req });
    const took = (s: { started: bigint }) => Number(process.hrtime.bigint() - s.started) / 1e9;
    const ogError = (reply: FastifyReply, s: { started: bigint; requestId: string }, status: number, message: string, errors?: Record<string, string>) =>
      reply.status(status).header('x-request-id', s.requestId).send({ message, ...(errors ? { errors } : {}), took: took(s), requestId: s.requestId });

    async function ogAuth(req: FastifyRequest, reply: FastifyReply, s: ReturnType<typeof ogStart>): Promise<Resolved | undefined> {
      const auth = header(req, 'authorization') ?? '';
      const m = /^GenieKey\s+(\S+)$/i.exec(auth);
      const key = m?.[1] ?? (req.query as Record<string, string | undefined>).apiKey;
      const res = key ? await resolve(key) : undefined;
      if (!res) {
        void ogError(reply, s, 401, 'Could not authenticate');
        return undefined;
      }
      const wait = limiter.take(res.integration.id);
      if (wait) {
        void reply.header('retry-after', String(wait));
        void ogError(reply, s, 429, 'You are making too many requests! To avoid errors, we recommend you limit requests.');
        return undefined;
      }
      return res;
    }

    /** Who reads: an integration (its key) or a person (an API token, as GenieKey or Bearer). */
    type Reader = { integration: Resolved } | { principal: Principal };
    const readerCtx = (who: Reader): Ctx => ('principal' in who ? principalCtx(who.principal, core.clock.now(), deps.config.publicUrl) : keyCtx(who.integration));
    async function ogReadAuth(req: FastifyRequest, reply: FastifyReply, s: ReturnType<typeof ogStart>): Promise<Reader | undefined> {
      const auth = header(req, 'authorization') ?? '';
      const key = /^(?:GenieKey|Bearer)\s+(\S+)$/i.exec(auth)?.[1] ?? (req.query as Record<string, string | undefined>).apiKey;
      if (!key) {
        void ogError(reply, s, 401, 'Could not authenticate');
        return undefined;
      }
      const res = await resolve(key);
      if (res) {
        const wait = limiter.take(res.integration.id);
        if (wait) {
          void ogError(reply.header('retry-after', String(wait)), s, 429, 'You are making too many requests! To avoid errors, we recommend you limit requests.');
          return undefined;
        }
        return { integration: res };
      }
      try {
        const principal = await authenticateToken(core, key);
        return { principal };
      } catch {
        void ogError(reply, s, 401, 'Could not authenticate');
        return undefined;
      }
    }

    const ogFail = (reply: FastifyReply, s: ReturnType<typeof ogStart>, err: unknown) => {
      if (err instanceof IntakeBusyError) return ogError(busy(reply, err), s, 429, 'You are making too many requests! To avoid errors, we recommend you limit requests.');
      if (err instanceof opsgenie.OpsGenieValidationError) return reply.status(err.status).header('x-request-id', s.requestId).send(err.body(s.requestId, took(s)));
      if (err instanceof SyntaxError) return ogError(reply, s, 400, 'Could not parse the request body as JSON.');
      if (err instanceof IntakeError) return ogError(reply, s, 422, opsgenie.UNPROCESSABLE_MESSAGE, { [err.field ?? 'body']: err.message });
      if (isBadText(err) && (err.code === 'invalid_text' || err.code === 'too_deeply_nested')) {
        const field = String((err.details as { field?: string } | undefined)?.field ?? 'body');
        return ogError(reply, s, 400, err.message, { [field]: err.message });
      }
      if (err instanceof DomainError) {
        const status = err.kind === 'not_found' ? 404 : err.kind === 'conflict' ? 409 : err.kind === 'unauthenticated' ? 401 : err.kind === 'forbidden' ? 403 : 422;
        return ogError(reply, s, status, status === 404 ? 'Alert does not exist' : err.message);
      }
      throw err;
    };

    const viewOf = ({ alert: a, integration, ownerEmail, acknowledgedByEmail, closedByEmail }: AlertRead): opsgenie.VigilAlertView => {
      return {
        id: a.id,
        number: a.number,
        alias: a.alias,
        message: a.message,
        status: a.status,
        tags: a.tags,
        count: a.count,
        firstAt: a.firstAt,
        lastAt: a.lastAt,
        createdAt: a.createdAt,
        updatedAt: a.updatedAt,
        source: a.source,
        ...(ownerEmail !== undefined ? { owner: ownerEmail } : {}),
        priority: a.priority,
        description: a.description,
        details: a.details,
        entity: a.entity,
        ...(a.acknowledgedAt ? { acknowledgedAt: a.acknowledgedAt, acknowledgedBy: acknowledgedByEmail ?? a.acknowledgedBy ?? '' } : {}),
        ...(a.closedAt ? { closedAt: a.closedAt, closedBy: closedByEmail ?? a.closedBy ?? '' } : {}),
        ...(a.snoozedUntil ? { snoozedUntil: a.snoozedUntil } : {}),
        ...(integration ? { integration: { id: integration.id, name: integration.name, type: integration.type } } : {}),
      };
    };

    scope.post('/v2/alerts', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const event = opsgenie.parseCreateAlert(parseJson(req), { defaultSource: req.ip });
        // Like OpsGenie, the outcome (created, or why not) is read from the request status.
        await submit(res, { kind: 'events', events: [event], request: { id: s.requestId, action: 'Create' } });
        return reply.status(202).header('x-request-id', s.requestId).send(opsgenie.acceptedBody(s.requestId, took(s)));
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    scope.get('/v2/alerts', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const q = opsgenie.parseListQuery(req.query as Record<string, unknown>);
        const alerts = await searchAlerts(core, keyCtx(res), { filter: q.filter, limit: q.limit, offset: q.offset, order: q.order });
        const data = alerts.map((a) => opsgenie.formatAlertSummary(viewOf(a), { now: core.clock.now() }));
        return reply.status(200).header('x-request-id', s.requestId).send({ data, took: took(s), requestId: s.requestId });
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    // GET /v2/alerts/count?query=…: the matching alerts counted (in pages, up to 100,000).
    scope.get('/v2/alerts/count', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const { query, searchIdentifier, searchIdentifierType } = req.query as Record<string, unknown>;
        const q = opsgenie.parseListQuery({ ...(query !== undefined ? { query } : {}), ...(searchIdentifier !== undefined ? { searchIdentifier } : {}), ...(searchIdentifierType !== undefined ? { searchIdentifierType } : {}) });
        const count = await countAlerts(core, keyCtx(res), { filter: q.filter });
        return reply.header('x-request-id', s.requestId).send({ data: { count }, took: took(s), requestId: s.requestId });
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    scope.get('/v2/alerts/requests/:requestId', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      const { requestId } = req.params as { requestId: string };
      const { exists, request: row } = await readIntakeRequest(core, keyCtx(res), { requestId });
      if (!exists && isRecentRequestId(requestId, core.clock.now())) {
        // Accepted but not applied yet: the Go SDK retries while it reads this error type.
        return ogError(reply.header('x-opsgenie-errortype', 'RequestNotProcessed'), s, 404, 'Request not found. It might not be processed, yet.');
      }
      if (!row) return ogError(reply, s, 404, 'Request does not exist');
      return reply.header('x-request-id', s.requestId).send({
        data: { success: row.success, action: row.action, processedAt: new Date(row.createdAt).toISOString(), integrationId: row.integrationId, isSuccess: row.success, status: row.status, alertId: row.alertId ?? '', alias: row.alias ?? '' },
        took: took(s),
        requestId: s.requestId,
      });
    });

    scope.get('/v2/alerts/:identifier', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const id = opsgenie.parseIdentifier((req.params as { identifier: string }).identifier, (req.query as Record<string, unknown>).identifierType);
        const alert = await readAlert(core, keyCtx(res), { ref: id.value, type: id.type, service: res.service.id });
        const data = opsgenie.formatAlert(viewOf(alert), { now: core.clock.now() });
        return reply.header('x-request-id', s.requestId).send({ data, took: took(s), requestId: s.requestId });
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    const actionHandler = async (req: FastifyRequest, reply: FastifyReply) => {
      const s = ogStart(req);
      const params = req.params as { identifier: string; '*'?: string };
      const route = opsgenie.matchAlertActionRoute(req.method, params['*'] ?? '');
      if (!route) return ogError(reply, s, 404, 'Not found');
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const id = opsgenie.parseIdentifier(params.identifier, (req.query as Record<string, unknown>).identifierType);
        const action = opsgenie.parseAlertAction(route.action, { body: parseJson(req), query: req.query as Record<string, unknown>, ...(route.actionName ? { actionName: route.actionName } : {}), now: core.clock.now() });
        // Actions are asynchronous in OpsGenie: a valid request is accepted (202) and its outcome is
        // read from the request status ("Alert does not exist"), so senders such as Alertmanager
        // do not retry a close for an alert that is gone. Queued behind earlier creates, in order.
        await submit(res, { kind: 'opsgenie_action', requestId: s.requestId, routeAction: route.action, identifier: id, action });
        return reply.status(202).header('x-request-id', s.requestId).send(opsgenie.acceptedBody(s.requestId, took(s)));
      } catch (err) {
        return ogFail(reply, s, err);
      }
    };
    for (const method of ['POST', 'PUT', 'DELETE'] as const) {
      scope.route({ method, url: '/v2/alerts/:identifier/*', config: { auth: 'public' }, schema: { hide: true }, handler: actionHandler });
    }
    scope.delete('/v2/alerts/:identifier', { config: { auth: 'public' }, schema: { hide: true } }, actionHandler);

    // GET /v2/alerts/{identifier}/notes | logs | recipients
    scope.get('/v2/alerts/:identifier/*', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const params = req.params as { identifier: string; '*'?: string };
      const sub = (params['*'] ?? '').replace(/^\/+|\/+$/g, '');
      if (sub !== 'notes' && sub !== 'logs' && sub !== 'recipients') return ogError(reply, s, 404, 'Not found');
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      try {
        const query = req.query as Record<string, unknown>;
        const id = opsgenie.parseIdentifier(params.identifier, query.identifierType);
        const paging = sub === 'recipients' ? undefined : ogRead.parseReadPaging(query);
        const ref = { ref: id.value, type: id.type, service: res.service.id };
        let data: unknown;
        if (sub === 'recipients') data = ogRead.recipientsOf(await alertRecipients(core, keyCtx(res), ref));
        else {
          const entries: ogRead.TimelineEntry[] = (await alertTimelineNamed(core, keyCtx(res), ref)).map((e) => ({ id: e.id, type: e.type, at: e.at, data: e.data, owner: e.actorName }));
          data = sub === 'notes' ? ogRead.pageOf(ogRead.notesOf(entries), paging!) : ogRead.pageOf(ogRead.logsOf(entries), paging!);
        }
        return reply.header('x-request-id', s.requestId).send({ data, ...(paging ? { paging: {} } : {}), took: took(s), requestId: s.requestId });
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    // -------------------------------------------------------------------------------------------
    // OpsGenie configuration reads: integrations, teams, schedules and who is on call, heartbeats

    const ok = (reply: FastifyReply, s: ReturnType<typeof ogStart>, data: unknown, status = 200) => reply.status(status).header('x-request-id', s.requestId).send({ data, took: took(s), requestId: s.requestId });

    // Sentry's installation validates the key with this call (`{type}`: the integration type it installs as).
    scope.post('/v2/integrations/authenticate', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const res = await ogAuth(req, reply, s);
      if (!res) return reply;
      let body: unknown;
      try {
        body = parseJson(req);
      } catch {
        return ogError(reply, s, 400, 'Could not parse the request body as JSON.');
      }
      const type = body && typeof body === 'object' && typeof (body as { type?: unknown }).type === 'string' ? (body as { type: string }).type : undefined;
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) return ogError(reply, s, 400, 'Could not parse the request body as a JSON object.');
      return reply
        .header('x-request-id', s.requestId)
        .send({ result: 'Authenticated', data: { id: res.integration.id, name: res.integration.name, type: type ?? res.integration.type, enabled: !res.integration.disabled }, took: took(s), requestId: s.requestId });
    });

    scope.get('/v2/teams', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      const data = (await listTeams(core, readerCtx(who))).map((t) => ({ id: t.id, name: t.name, description: t.description }));
      return ok(reply, s, data);
    });

    scope.get('/v2/teams/:identifier', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      try {
        const type = ogRead.parseNameOrId((req.query as Record<string, unknown>).identifierType);
        const ref = (req.params as { identifier: string }).identifier;
        const found = await teamWithMembers(core, readerCtx(who), { ref, type });
        const data = found ? ogRead.formatTeam(found.team, found.members) : undefined;
        if (!data) return ogError(reply, s, 404, `No team exists with ${type} [${ref}]`);
        return ok(reply, s, data);
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    const scheduleView = ({ schedule: x, team }: ScheduleWithTeam, expand: boolean) => {
      return ogRead.formatSchedule({ id: x.id, name: x.name, description: x.description, timeZone: x.timeZone, ...(team ? { team: { id: team.id, name: team.name } } : {}), layers: x.layers.map((l) => ({ id: l.id, name: l.name })) }, expand);
    };
    const expandsRotations = (q: Record<string, unknown>) => String(q.expand ?? '').split(',').map((v) => v.trim().toLowerCase()).includes('rotation');

    scope.get('/v2/schedules', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      const expand = expandsRotations(req.query as Record<string, unknown>);
      const data = (await schedulesWithTeams(core, readerCtx(who))).map((x) => scheduleView(x, expand));
      return ok(reply, s, data);
    });

    // Who is on call for every schedule.
    scope.get('/v2/schedules/on-calls', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      try {
        const q = req.query as Record<string, unknown>;
        const flat = ogRead.parseFlat(q.flat);
        const at = ogRead.parseOnCallDate(q.date, core.clock.now());
        const data = (await onCallUsersBySchedule(core, readerCtx(who), { at })).map((x) => ogRead.formatOnCalls(x.schedule, x.onCall, flat));
        return ok(reply, s, data);
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    scope.get('/v2/schedules/:identifier', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      try {
        const q = req.query as Record<string, unknown>;
        const type = ogRead.parseNameOrId(q.identifierType);
        const ref = (req.params as { identifier: string }).identifier;
        const found = await scheduleWithTeam(core, readerCtx(who), { ref, type });
        const data = found ? scheduleView(found, true) : undefined;
        if (!data) return ogError(reply, s, 404, `No schedule exists with ${type} [${ref}]`);
        return ok(reply, s, data);
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    scope.get('/v2/schedules/:identifier/on-calls', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      try {
        const q = req.query as Record<string, unknown>;
        const type = ogRead.parseNameOrId(q.scheduleIdentifierType ?? q.identifierType, 'scheduleIdentifierType');
        const flat = ogRead.parseFlat(q.flat);
        const at = ogRead.parseOnCallDate(q.date, core.clock.now());
        const ref = (req.params as { identifier: string }).identifier;
        const found = await scheduleOnCallUsers(core, readerCtx(who), { ref, type, at });
        const data = found ? ogRead.formatOnCalls(found.schedule, found.onCall, flat) : undefined;
        if (!data) return ogError(reply, s, 404, `No schedule exists with ${type} [${ref}]`);
        return ok(reply, s, data);
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    const heartbeatView = ({ heartbeat, serviceName }: HeartbeatRead) => ogRead.formatHeartbeat(heartbeat, serviceName);

    scope.get('/v2/heartbeats', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      const heartbeats = (await listHeartbeatsNamed(core, readerCtx(who))).map(heartbeatView);
      return ok(reply, s, { heartbeats });
    });

    scope.get('/v2/heartbeats/:name', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      try {
        const name = opsgenie.parseHeartbeatName((req.params as { name: string }).name);
        const found = await readHeartbeat(core, readerCtx(who), { name });
        const data = found ? heartbeatView(found) : undefined;
        if (!data) return ogError(reply, s, 404, `Heartbeat with name [${name}] does not exist`);
        return ok(reply, s, data);
      } catch (err) {
        return ogFail(reply, s, err);
      }
    });

    const heartbeat = async (req: FastifyRequest, reply: FastifyReply) => {
      const s = ogStart(req);
      const who = await ogReadAuth(req, reply, s);
      if (!who) return reply;
      // A ping is a write: an API token needs the write scope.
      if ('principal' in who && !who.principal.scopes.includes('write')) return ogError(reply, s, 403, 'This API token cannot ping heartbeats (it lacks the write scope).');
      try {
        const name = opsgenie.parseHeartbeatName((req.params as { name: string }).name);
        const pinged = await pingHeartbeatNamed(core, readerCtx(who), { name });
        if (!pinged.ok) return ogError(reply, s, 404, `Heartbeat with name [${name}] does not exist`);
        return reply.status(202).header('x-request-id', s.requestId).send(opsgenie.heartbeatPingBody(s.requestId, took(s)));
      } catch (err) {
        return ogFail(reply, s, err);
      }
    };
    for (const method of ['GET', 'POST', 'PUT'] as const) scope.route({ method, url: '/v2/heartbeats/:name/ping', config: { auth: 'public' }, schema: { hide: true }, handler: heartbeat });

    // OpsGenie's web link to an alert (Zabbix stores `{opsgenie_web}alert/detail/{alertId}` on the event).
    scope.get('/alert/detail/:id', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => reply.redirect(`/alerts/${encodeURIComponent((req.params as { id: string }).id)}`, 302));

    // Any other OpsGenie path: OpsGenie's 404 shape, not Vigil's.
    scope.all('/v2/*', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => ogError(reply, ogStart(req), 404, `No such API: ${req.method} ${req.url.split('?')[0]}`));

    // -------------------------------------------------------------------------------------------
    // PagerDuty Events API v2

    const pdError = (reply: FastifyReply, status: number, errors: string[], message = 'Event object is invalid') => reply.status(status).send({ status: status === 429 ? 'throttle event' : 'invalid event', message, errors });

    scope.post('/v2/enqueue', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      let body: unknown;
      try {
        body = parseJson(req);
      } catch (err) {
        return pdError(reply, 400, [isBadText(err) ? err.message : 'Could not parse the request body as JSON']);
      }
      const key = pagerduty.readRoutingKey(body);
      if (!key) return pdError(reply, 400, [pagerduty.missing('routing_key')]);
      const res = await resolve(key);
      if (!res) return pdError(reply, 401, ['Invalid routing key'], 'Unknown routing key');
      const wait = limiter.take(res.integration.id);
      if (wait) return reply.header('retry-after', String(wait)).status(429).send({ status: 'throttle event', message: 'Requests for this routing key are being throttled', errors: [] });
      try {
        const parsed = pagerduty.parseEvent(body);
        await submit(res, { kind: 'events', events: [parsed.event] });
        return reply.status(202).send(pagerduty.acceptedBody(parsed.dedupKey));
      } catch (err) {
        if (err instanceof IntakeBusyError) return busy(reply, err).send({ status: 'throttle event', message: 'Too many events are waiting to be processed', errors: [] });
        if (err instanceof pagerduty.PagerDutyValidationError) return reply.status(400).send(err.body());
        if (err instanceof IntakeError) return pdError(reply, 400, [err.message]);
        throw err;
      }
    });

    scope.post('/v2/change/enqueue', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      let body: unknown;
      try {
        body = parseJson(req);
      } catch (err) {
        return pdError(reply, 400, [isBadText(err) ? err.message : 'Could not parse the request body as JSON']);
      }
      const key = pagerduty.readRoutingKey(body);
      const res = key ? await resolve(key) : undefined;
      if (!key) return pdError(reply, 400, [pagerduty.missing('routing_key')]);
      if (!res) return pdError(reply, 401, ['Invalid routing key'], 'Unknown routing key');
      try {
        const parsed = pagerduty.parseChangeEvent(body);
        await submit(res, { kind: 'events', events: [parsed.event] });
        return reply.status(202).send(pagerduty.changeAcceptedBody());
      } catch (err) {
        if (err instanceof IntakeBusyError) return busy(reply, err).send({ status: 'throttle event', message: 'Too many events are waiting to be processed', errors: [] });
        if (err instanceof pagerduty.PagerDutyValidationError) return reply.status(400).send(err.body());
        throw err;
      }
    });

    // PagerDuty Events API v1 (older integrations; Alertmanager with `service_key`). PagerDuty answers 200
    // on success and 403 when throttled (Alertmanager retries v1 on 403).
    scope.post('/generic/2010-04-15/create_event.json', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      let body: unknown;
      try {
        body = parseJson(req);
      } catch {
        return pdError(reply, 400, ['Could not parse the request body as JSON']);
      }
      const key = pagerduty.readServiceKey(body);
      if (!key) return pdError(reply, 400, [pagerduty.missing('service_key')]);
      const res = await resolve(key);
      if (!res) return pdError(reply, 400, ['Service key is invalid']);
      const wait = limiter.take(res.integration.id);
      if (wait) return reply.header('retry-after', String(wait)).status(403).send({ status: 'throttle event', message: 'Requests for this service key are being throttled', errors: [] });
      try {
        const parsed = pagerduty.parseV1Event(body);
        await submit(res, { kind: 'events', events: [parsed.event] });
        return reply.status(200).send(pagerduty.v1AcceptedBody(parsed.incidentKey));
      } catch (err) {
        if (err instanceof IntakeBusyError) return busy(reply, err).status(403).send({ status: 'throttle event', message: 'Too many events are waiting to be processed', errors: [] });
        if (err instanceof pagerduty.PagerDutyValidationError) return reply.status(400).send(err.body());
        if (err instanceof IntakeError) return pdError(reply, 400, [err.message]);
        throw err;
      }
    });

    // -------------------------------------------------------------------------------------------
    // Webhooks: Alertmanager, Grafana, generic

    const hook = (kind: 'alertmanager' | 'grafana' | 'generic') => async (req: FastifyRequest, reply: FastifyReply) => {
      const pathKey = (req.params as { key?: string }).key;
      const bearer = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
      const key = pathKey ?? bearer;
      const res = key ? await resolve(key) : undefined;
      if (!res) return reply.status(401).send(errorBody('unknown_integration_key', 'Unknown or disabled integration key.'));
      const wait = limiter.take(res.integration.id);
      if (wait) return reply.header('retry-after', String(wait)).status(429).send(errorBody('rate_limited', `Too many requests for this integration; retry in ${wait} s.`));
      const raw = typeof req.body === 'string' ? req.body : '';
      if (kind === 'grafana' && res.integration.signingSecret) {
        const opts = res.integration.options as { signatureHeader?: string; timestampHeader?: string };
        const sig = grafana.grafanaSignatureFromHeaders(req.headers, { ...(opts.signatureHeader ? { header: opts.signatureHeader } : {}), ...(opts.timestampHeader ? { timestampHeader: opts.timestampHeader } : {}) });
        const ok = grafana.verifyGrafanaSignature({ secret: res.integration.signingSecret, rawBody: raw, signature: sig.signature, timestamp: sig.timestamp ?? null, requireTimestamp: !!opts.timestampHeader, nowSeconds: Math.floor(core.clock.now() / 1000) });
        if (!ok) return reply.status(401).send(errorBody('invalid_signature', 'The Grafana signature does not match this integration’s secret.'));
      }
      let body: unknown;
      try {
        body = parseJson(req);
      } catch (err) {
        if (isBadText(err)) throw err;
        return reply.status(400).send(errorBody('malformed_json', `The request body is not valid JSON: ${(err as Error).message}`));
      }
      let events: AlertEvent[];
      try {
        events =
          kind === 'alertmanager'
            ? alertmanager.parseWebhook(body)
            : kind === 'grafana'
              ? grafana.parseWebhook(body)
              : generic.parseWebhook(body, res.integration.options.mapping ? { mapping: generic.validateMapping(res.integration.options.mapping) } : {});
      } catch (err) {
        if (err instanceof IntakeError) return reply.status(400).send(errorBody('invalid_event', err.message, err.field ? { field: err.field } : undefined));
        throw err;
      }
      if (events.length === 0) return reply.status(200).send({ status: 'ok', events: 0, alerts: [] });
      let outcome;
      try {
        outcome = await submit(res, { kind: 'events', events });
      } catch (err) {
        if (err instanceof IntakeBusyError) return busy(reply, err).send(errorBody('busy', err.message));
        throw err;
      }
      if (outcome.state === 'failed') throw outcome.error;
      // Under a burst the events are durable but not applied yet: accepted, like OpsGenie and PagerDuty.
      if (outcome.state === 'queued') return reply.status(202).send({ status: 'accepted', events: events.length, alerts: [] });
      return reply.status(200).send({ status: 'ok', events: events.length, alerts: outcome.result.flatMap((a) => (a ? [{ id: a.id, number: a.number, status: a.status }] : [])) });
    };
    for (const kind of ['alertmanager', 'grafana', 'generic'] as const) {
      scope.post(`/hooks/${kind}/:key`, { config: { auth: 'public' }, schema: { hide: true } }, hook(kind));
      scope.post(`/hooks/${kind}`, { config: { auth: 'public' }, schema: { hide: true } }, hook(kind));
    }
  });
}
