import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { sprintCheck, sprintConflicts, teamAvailability, type SprintSource } from '../../core/availability/availability.js';
import { principalCtx } from '../../core/shared/context.js';
import { principalOf } from '../auth.js';
import { InstantQuery, StdErrors } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';
import { toMs } from './schedules.js';

const Interval = Type.Object({ start: Type.Number(), end: Type.Number() });

/** Sprint availability; `source` is the Jira boards reader when Jira is configured. */
export function availabilityRoutes(source: SprintSource | undefined) {
  return (app: App, deps: HttpDeps): void => {
    const { core } = deps;
    const availability = { ...core, ...(source ? { sprints: source } : {}) };
    const ctxOf = (req: FastifyRequest) => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
    const tags = ['schedules'];
    app.get('/api/v1/availability', {
      schema: {
        tags,
        summary: "For a sprint window: each engineer's on-call hours and whether they can be allocated to sprint work",
        querystring: Type.Object({ team: Type.String({ minLength: 1 }), from: InstantQuery, to: InstantQuery, maxOnCallHours: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ from: Type.Number(), to: Type.Number(), data: Type.Array(Type.Object({ userId: Type.String(), name: Type.String(), email: Type.String(), onCallHours: Type.Number(), onCallShifts: Type.Array(Interval), allocatable: Type.Boolean() })) }),
          ...StdErrors,
        },
      },
      handler: async (req) => {
        const from = toMs(req.query.from, 'from');
        const to = toMs(req.query.to, 'to');
        const data = await teamAvailability(core, ctxOf(req), { team: req.query.team, from, to, maxOnCallHours: req.query.maxOnCallHours ?? 0 });
        return { from, to, data };
      },
    });
    const Engineer = Type.Object({ userId: Type.String(), name: Type.String(), email: Type.String(), onCallHours: Type.Number(), onCallShifts: Type.Array(Interval), allocatable: Type.Boolean() });
    const Sprint = Type.Object({ id: Type.Union([Type.Number(), Type.String()]), name: Type.String(), state: Type.String(), start: Type.Number(), end: Type.Number() });
    const Conflict = Type.Object({
      sprint: Type.Object({ id: Type.Union([Type.Number(), Type.String()]), name: Type.String(), start: Type.Number(), end: Type.Number() }),
      issue: Type.Object({ key: Type.String(), summary: Type.String(), url: Type.String() }),
      user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
      onCallHours: Type.Number(),
      overlaps: Type.Array(Interval),
    });
    app.get('/api/v1/availability/sprint', {
      schema: {
        tags,
        summary:
          "The sprint check: each engineer's on-call hours in the sprint window (given, else the team's active Jira sprint, else the next 14 days), and the Jira sprint conflicts when Jira is on; says so when it is off",
        querystring: Type.Object(
          { team: Type.String({ minLength: 1 }), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()), maxOnCallHours: Type.Optional(Type.Number({ minimum: 0 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            team: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
            from: Type.Number(),
            to: Type.Number(),
            window: Type.Union([Type.Literal('requested'), Type.Literal('jira_sprint'), Type.Literal('default')]),
            jira: Type.Object({ enabled: Type.Boolean(), boards: Type.Array(Type.Number()), note: Type.Union([Type.String(), Type.Null()]) }),
            engineers: Type.Array(Engineer),
            sprints: Type.Array(Sprint),
            conflicts: Type.Array(Conflict),
          }),
          ...StdErrors,
        },
      },
      handler: async (req) => {
        const q = req.query;
        return sprintCheck(availability, ctxOf(req), {
          team: q.team,
          ...(q.from !== undefined ? { from: toMs(q.from, 'from') } : {}),
          ...(q.to !== undefined ? { to: toMs(q.to, 'to') } : {}),
          ...(q.maxOnCallHours !== undefined ? { maxOnCallHours: q.maxOnCallHours } : {}),
        });
      },
    });
    app.get('/api/v1/availability/conflicts', {
      schema: {
        tags,
        summary: "Issues in the team's active and next Jira sprints assigned to someone on call during that sprint",
        querystring: Type.Object({ team: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            team: Type.Object({ id: Type.String(), slug: Type.String(), name: Type.String() }),
            boards: Type.Array(Type.Number()),
            sprints: Type.Array(Type.Object({ id: Type.Union([Type.Number(), Type.String()]), name: Type.String(), state: Type.String(), start: Type.Number(), end: Type.Number() })),
            conflicts: Type.Array(
              Type.Object({
                sprint: Type.Object({ id: Type.Union([Type.Number(), Type.String()]), name: Type.String(), start: Type.Number(), end: Type.Number() }),
                issue: Type.Object({ key: Type.String(), summary: Type.String(), url: Type.String() }),
                user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() }),
                onCallHours: Type.Number(),
                overlaps: Type.Array(Interval),
              }),
            ),
          }),
          ...StdErrors,
        },
      },
      handler: async (req) => {
        return sprintConflicts(availability, ctxOf(req), { team: req.query.team });
      },
    });
  };
}
