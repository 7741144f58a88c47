import { Type, type Static } from '@sinclair/typebox';
import { assertSpan, MAX_SPAN_MS } from '../../core/shared/validate.js';
import { principalCtx, systemCtx, type Ctx } from '../../core/shared/context.js';
import {
  acceptSwap,
  addOverride,
  calendarFeed,
  cancelSwap,
  createFeed,
  createSchedule,
  DAY,
  deleteSchedule,
  getSchedule,
  listFeeds,
  listOverrides,
  listSchedules,
  listSwaps,
  onCallNow,
  removeOverride,
  requestSwap,
  revokeFeed,
  scheduleOnCall,
  scheduleShifts,
  scheduleTimeline,
  updateSchedule,
  userShifts,
} from '../../core/schedules/schedules.js';
import { principalOf } from '../auth.js';
import { IdParams, Instant, InstantQuery, StdErrors, TimelineEventSchema, toMs } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

export { Instant, toMs } from '../schemas.js';

const HHMM = Type.String({ description: "'HH:MM' in the schedule's zone", maxLength: 5 });
const Weekday = Type.Union([1, 2, 3, 4, 5, 6, 7].map((n) => Type.Literal(n as 1 | 2 | 3 | 4 | 5 | 6 | 7)), { description: 'ISO weekday, Monday = 1' });

const Restriction = Type.Union([
  Type.Object({ type: Type.Literal('time_of_day'), start: HHMM, end: HHMM }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('weekly'), startWeekday: Weekday, startTime: HHMM, endWeekday: Weekday, endTime: HHMM }, { additionalProperties: false }),
]);

export const LayerSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64 })),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    participants: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 500, description: 'User ids or emails, in rotation order' }),
    shift: Type.Object({ unit: Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')]), length: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
    handoffTime: HHMM,
    handoffWeekday: Type.Optional(Type.Union([Weekday, Type.Null()])),
    startDate: Type.Optional(
      Type.String({
        description:
          'YYYY-MM-DD in the schedule zone. Omitted: the rotation starts now (the first shift begins at once and ends at the next hand-off); an existing layer of the same id or name keeps its start',
        maxLength: 10,
      }),
    ),
    startAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0, description: 'Epoch ms: the layer takes effect at this instant (set to now when startDate is omitted)' }), Type.Null()])),
    endDate: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
    restrictions: Type.Optional(Type.Union([Type.Array(Restriction, { maxItems: 50 }), Type.Null()])),
    mode: Type.Optional(
      Type.Union([Type.Literal('override'), Type.Literal('combine'), Type.Null()], {
        description:
          'override (default): where this layer has coverage its person replaces the layers below; combine: its person is on call together with them (OpsGenie rotations)',
      }),
    ),
  },
  { additionalProperties: false },
);

const LayerOut = Type.Object({ ...LayerSchema.properties, id: Type.String(), startDate: Type.String({ description: "'YYYY-MM-DD' in the schedule's zone" }) });

const ScheduleSchema = Type.Object(
  {
    id: Type.String(),
    teamId: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Type.String(),
    timeZone: Type.String(),
    reminderMinutes: Type.Integer(),
    layers: Type.Array(LayerOut, { description: 'Lowest precedence first: a later layer wins where it has coverage' }),
    slackUserGroupId: Type.Union([Type.String(), Type.Null()]),
    slackHandoffChannel: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'Schedule' },
);

const ScheduleFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.String({ minLength: 1, maxLength: 63 }),
  description: Type.String({ maxLength: 2000 }),
  teamId: Type.String({ minLength: 1, description: 'Team id or slug' }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  reminderMinutes: Type.Integer({ minimum: 0, maximum: 10080 }),
  layers: Type.Array(LayerSchema, { maxItems: 100 }),
  slackUserGroupId: Type.Union([Type.String({ maxLength: 30, description: 'Slack user group id (S...) that follows the on-call' }), Type.Null()]),
  slackHandoffChannel: Type.Union([Type.String({ maxLength: 30, description: 'Slack channel id where hand-offs are announced' }), Type.Null()]),
};

const ScheduleCreate = Type.Object(
  {
    name: ScheduleFields.name,
    teamId: ScheduleFields.teamId,
    timeZone: ScheduleFields.timeZone,
    slug: Type.Optional(ScheduleFields.slug),
    description: Type.Optional(ScheduleFields.description),
    reminderMinutes: Type.Optional(ScheduleFields.reminderMinutes),
    layers: Type.Optional(ScheduleFields.layers),
    slackUserGroupId: Type.Optional(ScheduleFields.slackUserGroupId),
    slackHandoffChannel: Type.Optional(ScheduleFields.slackHandoffChannel),
  },
  { additionalProperties: false },
);
const SchedulePatch = Type.Partial(Type.Object(ScheduleFields), { additionalProperties: false, minProperties: 1 });

const RangeQuery = Type.Object({ from: Type.Optional(InstantQuery), to: Type.Optional(InstantQuery) }, { additionalProperties: false });

const UserRef = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() });

const ShiftSource = Type.Union([Type.Literal('rotation'), Type.Literal('override')]);
const FinalShiftSchema = Type.Object({
  userId: Type.String(),
  user: Type.Optional(UserRef),
  start: Type.Number(),
  end: Type.Number(),
  source: ShiftSource,
  layerId: Type.Optional(Type.String()),
  overrideId: Type.Optional(Type.String()),
  replacedUserId: Type.Optional(Type.String()),
  replacedUserIds: Type.Optional(Type.Array(Type.String())),
});

const OverrideSchema = Type.Object(
  {
    id: Type.String(),
    scheduleId: Type.String(),
    userId: Type.String(),
    replacesUserId: Type.Union([Type.String(), Type.Null()]),
    layerId: Type.Union([Type.String(), Type.Null()], { description: 'Set when the override replaces only this layer’s person' }),
    start: Type.Number(),
    end: Type.Number(),
    reason: Type.String(),
    swapRequestId: Type.Union([Type.String(), Type.Null()]),
    createdBy: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
  },
  { $id: 'Override' },
);

const OverrideCreate = Type.Object(
  {
    userId: Type.String({ minLength: 1, description: 'Who covers: user id or email' }),
    start: Instant,
    end: Instant,
    replacesUserId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    layerId: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], {
        description: 'Layer id or name: replace only that layer’s person, where that layer is on call (the other layers stay)',
      }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

const SwapSchema = Type.Object(
  {
    id: Type.String(),
    scheduleId: Type.String(),
    requesterId: Type.String(),
    start: Type.Number(),
    end: Type.Number(),
    note: Type.String(),
    status: Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('cancelled')]),
    takerId: Type.Union([Type.String(), Type.Null()]),
    overrideId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    resolvedAt: Type.Union([Type.Number(), Type.Null()]),
  },
  { $id: 'SwapRequest' },
);

const OnCallSchema = Type.Object({
  schedule: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String(), teamId: Type.String(), timeZone: Type.String() }),
  onCall: Type.Array(
    Type.Object({
      userId: Type.String(),
      user: Type.Optional(UserRef),
      until: Type.Number(),
      source: ShiftSource,
      layerId: Type.Union([Type.String(), Type.Null()], { description: 'The layer this person is on call from (null for a whole-schedule override)' }),
      layerName: Type.Union([Type.String(), Type.Null()]),
      overrideId: Type.Union([Type.String(), Type.Null()]),
    }),
    { description: 'Everyone on call at that instant: several people where layers combine' },
  ),
  next: Type.Array(Type.Object({ userId: Type.String(), user: Type.Optional(UserRef), start: Type.Number(), end: Type.Number() })),
  gap: Type.Boolean(),
});

const FeedSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  targetId: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.Number(),
  revokedAt: Type.Union([Type.Number(), Type.Null()]),
});

export const SCHEDULE_SCHEMAS = [ScheduleSchema, OverrideSchema, SwapSchema];

export function parseRange(q: Static<typeof RangeQuery>, now: number, defaultDays = 7): { from: number; to: number } {
  const from = q.from !== undefined ? toMs(q.from, 'from') : now;
  const to = q.to !== undefined ? toMs(q.to, 'to') : from + defaultDays * DAY;
  assertSpan(from, to, MAX_SPAN_MS.window, 'A range', 'to');
  return { from, to };
}

export function scheduleRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  for (const s of SCHEDULE_SCHEMAS) app.addSchema(s);
  const tags = ['schedules'];
  const ctxOf = (req: Parameters<typeof principalOf>[0]): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);

  app.get('/api/v1/schedules', {
    schema: { tags, summary: 'List schedules', querystring: Type.Object({ team: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: Type.Object({ data: Type.Array(Type.Ref('Schedule')) }), ...StdErrors } },
    handler: async (req) => listSchedules(core, ctxOf(req), req.query),
  });

  app.post('/api/v1/schedules', {
    schema: { tags, summary: 'Create a schedule with its rotation layers', body: ScheduleCreate, response: { 201: Type.Ref('Schedule'), ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await createSchedule(core, ctxOf(req), req.body)),
  });

  app.get('/api/v1/schedules/:id', {
    schema: { tags, summary: 'Get a schedule by id or slug', params: IdParams, response: { 200: Type.Ref('Schedule'), ...StdErrors } },
    handler: async (req) => getSchedule(core, ctxOf(req), { ref: req.params.id }),
  });

  app.patch('/api/v1/schedules/:id', {
    schema: { tags, summary: 'Update a schedule (layers are replaced as a whole)', params: IdParams, body: SchedulePatch, response: { 200: Type.Ref('Schedule'), ...StdErrors } },
    handler: async (req) => updateSchedule(core, ctxOf(req), { ref: req.params.id, patch: req.body }),
  });

  app.delete('/api/v1/schedules/:id', {
    schema: { tags, summary: "Delete a schedule (an admin or the team's admin)", params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await deleteSchedule(core, ctxOf(req), { ref: req.params.id });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/schedules/:id/shifts', {
    schema: {
      tags,
      summary: 'The final schedule in a time range (default: the next 7 days), each layer, overrides and gaps',
      params: IdParams,
      querystring: RangeQuery,
      response: {
        200: Type.Object({
          schedule: Type.Ref('Schedule'),
          from: Type.Number(),
          to: Type.Number(),
          final: Type.Array(FinalShiftSchema),
          gaps: Type.Array(Type.Object({ start: Type.Number(), end: Type.Number() })),
          layers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), shifts: Type.Array(FinalShiftSchema) })),
          overrides: Type.Array(Type.Ref('Override')),
        }),
        ...StdErrors,
      },
    },
    handler: async (req) => {
      const ctx = ctxOf(req);
      return scheduleShifts(core, ctx, { ref: req.params.id, ...parseRange(req.query, ctx.now) });
    },
  });

  app.get('/api/v1/schedules/:id/oncall', {
    schema: {
      tags,
      summary: 'Who is on call for a schedule at an instant (default now), and who is next',
      params: IdParams,
      querystring: Type.Object({ at: Type.Optional(InstantQuery) }, { additionalProperties: false }),
      response: { 200: OnCallSchema, ...StdErrors },
    },
    handler: async (req) => {
      const ctx = ctxOf(req);
      return scheduleOnCall(core, ctx, { ref: req.params.id, at: req.query.at !== undefined ? toMs(req.query.at, 'at') : ctx.now });
    },
  });

  app.get('/api/v1/oncall', {
    schema: { tags, summary: 'Who is on call now for every schedule (optionally one team)', querystring: Type.Object({ team: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: Type.Object({ data: Type.Array(OnCallSchema) }), ...StdErrors } },
    handler: async (req) => onCallNow(core, ctxOf(req), req.query),
  });

  app.get('/api/v1/schedules/:id/timeline', {
    schema: { tags, summary: "A schedule's timeline: changes, overrides, swaps, hand-offs", params: IdParams, response: { 200: Type.Object({ data: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => scheduleTimeline(core, ctxOf(req), { ref: req.params.id }),
  });

  // Overrides
  app.get('/api/v1/schedules/:id/overrides', {
    schema: { tags, summary: 'Overrides overlapping a range (default: now to 30 days ahead)', params: IdParams, querystring: RangeQuery, response: { 200: Type.Object({ data: Type.Array(Type.Ref('Override')) }), ...StdErrors } },
    handler: async (req) => {
      const ctx = ctxOf(req);
      return listOverrides(core, ctx, { ref: req.params.id, ...parseRange(req.query, ctx.now, 30) });
    },
  });
  app.post('/api/v1/schedules/:id/overrides', {
    schema: { tags, summary: 'Add an override: a person covers [start, end), optionally only for one person or one layer', params: IdParams, body: OverrideCreate, response: { 201: Type.Ref('Override'), ...StdErrors } },
    handler: async (req, reply) => {
      const b = req.body;
      const o = await addOverride(core, ctxOf(req), {
        schedule: req.params.id,
        override: {
          userId: b.userId,
          start: toMs(b.start, 'start'),
          end: toMs(b.end, 'end'),
          ...(b.replacesUserId !== undefined ? { replacesUserId: b.replacesUserId } : {}),
          ...(b.layerId !== undefined ? { layerId: b.layerId } : {}),
          ...(b.reason !== undefined ? { reason: b.reason } : {}),
        },
      });
      return reply.status(201).send(o);
    },
  });
  app.delete('/api/v1/schedules/:id/overrides/:overrideId', {
    schema: { tags, summary: 'Remove an override', params: Type.Object({ id: Type.String(), overrideId: Type.String() }, { additionalProperties: false }), response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeOverride(core, ctxOf(req), { schedule: req.params.id, overrideId: req.params.overrideId });
      return reply.status(204).send(null);
    },
  });

  // Swaps
  app.get('/api/v1/swaps', {
    schema: {
      tags,
      summary: 'Swap requests (default: open ones)',
      querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('cancelled')])), schedule: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(Type.Ref('SwapRequest')) }), ...StdErrors },
    },
    handler: async (req) => listSwaps(core, ctxOf(req), req.query),
  });
  app.post('/api/v1/schedules/:id/swaps', {
    schema: {
      tags,
      summary: 'Offer one of your shifts (or part of it) to others',
      params: IdParams,
      body: Type.Object({ start: Instant, end: Instant, note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
      response: { 201: Type.Ref('SwapRequest'), ...StdErrors },
    },
    handler: async (req, reply) => {
      const swap = await requestSwap(core, ctxOf(req), { schedule: req.params.id, start: toMs(req.body.start, 'start'), end: toMs(req.body.end, 'end'), ...(req.body.note ? { note: req.body.note } : {}) });
      return reply.status(201).send(swap);
    },
  });
  app.post('/api/v1/swaps/:id/accept', {
    schema: { tags, summary: 'Take an offered shift: it becomes an override', params: IdParams, response: { 200: Type.Object({ swap: Type.Ref('SwapRequest'), override: Type.Ref('Override') }), ...StdErrors } },
    handler: async (req) => acceptSwap(core, ctxOf(req), { swapId: req.params.id }),
  });
  app.post('/api/v1/swaps/:id/cancel', {
    schema: { tags, summary: 'Withdraw your swap request', params: IdParams, response: { 200: Type.Ref('SwapRequest'), ...StdErrors } },
    handler: async (req) => cancelSwap(core, ctxOf(req), { swapId: req.params.id }),
  });

  // A user's shifts
  app.get('/api/v1/users/:id/shifts', {
    schema: { tags, summary: "A user's shifts across all schedules (`me` for yourself); default the next 30 days", params: IdParams, querystring: RangeQuery, response: { 200: Type.Object({ data: Type.Array(Type.Intersect([FinalShiftSchema, Type.Object({ scheduleId: Type.String(), scheduleName: Type.String() })])) }), ...StdErrors } },
    handler: async (req) => {
      const ctx = ctxOf(req);
      return userShifts(core, ctx, { user: req.params.id, ...parseRange(req.query, ctx.now, 30) });
    },
  });

  // Calendar feeds
  app.get('/api/v1/calendar-feeds', {
    schema: { tags, summary: 'Your calendar feeds (the secret URLs are shown only when created)', response: { 200: Type.Object({ data: Type.Array(FeedSchema) }), ...StdErrors } },
    handler: async (req) => listFeeds(core, ctxOf(req)),
  });
  app.post('/api/v1/calendar-feeds', {
    schema: {
      tags,
      summary: 'Create a secret iCalendar feed URL for a schedule or for your own shifts',
      body: Type.Object({ scheduleId: Type.Optional(Type.String()), userId: Type.Optional(Type.String()) }, { additionalProperties: false }),
      response: { 201: Type.Object({ feed: FeedSchema, url: Type.String() }), ...StdErrors },
    },
    handler: async (req, reply) => {
      const { feed, secret } = await createFeed(core, ctxOf(req), req.body);
      return reply.status(201).send({ feed, url: `${deps.config.publicUrl}/calendar/${secret}.ics` });
    },
  });
  app.delete('/api/v1/calendar-feeds/:id', {
    schema: { tags, summary: 'Revoke a calendar feed', params: IdParams, response: { 200: FeedSchema, ...StdErrors } },
    handler: async (req) => revokeFeed(core, ctxOf(req), { feedId: req.params.id }),
  });
}

/** Public, secret-URL iCalendar feeds (RFC 5545): 7 days back to 90 days ahead. */
export function calendarRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  app.get('/calendar/:file', {
    config: { auth: 'public' },
    schema: { tags: ['schedules'], summary: 'iCalendar feed at a secret URL (from POST /api/v1/calendar-feeds)', security: [], params: Type.Object({ file: Type.String({ maxLength: 200 }) }) },
    handler: async (req, reply) => {
      const secret = req.params.file.replace(/\.ics$/, '');
      const body = await calendarFeed(core, systemCtx(core.clock.now(), deps.config.publicUrl), { secret });
      if (body === undefined) return reply.status(404).send({ error: { code: 'calendar_feed_not_found', message: 'This calendar feed does not exist or was revoked.' } });
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  });
}
