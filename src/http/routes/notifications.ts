import { Type } from '@sinclair/typebox';
import {
  addContactMethod,
  addRule,
  confirmContactMethod,
  getImportSettings,
  setImportSettings,
  assertSelfOrAdmin,
  checklistFor,
  markSeverityLevelsRead,
  reachabilityWarnings,
  removeContactMethod,
  removeRule,
  resendVerification,
  setQuietHours,
  verifyContactMethod,
  setMessageTemplate,
  verifyContactByLink,
  CONTACT_TYPES,
} from '../../core/notifications/notifications.js';
import { ackPageAs, sendTestPage } from '../../core/notifications/pages.js';
import { checklistOf, contactMethodsOf, notificationRulesOf, quietHoursOf } from '../../core/users/personal.js';
import { notFound } from '../../core/shared/errors.js';
import { resolveUserRef, finalScheduleOf, DAY } from '../../core/schedules/schedules.js';
import { findTeam } from '../../core/teams/teams.js';
import { principalOf } from '../auth.js';
import { IdParams, StdErrors, TimelineEventSchema } from '../schemas.js';
import type { App, HttpDeps } from '../types.js';

const Urgency = Type.Union([Type.Literal('high'), Type.Literal('low')]);
const ContactSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    type: Type.Union(CONTACT_TYPES.map((t) => Type.Literal(t))),
    address: Type.String(),
    label: Type.String(),
    verifiedAt: Type.Union([Type.Number(), Type.Null()]),
    disabled: Type.Boolean(),
    importedFrom: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Where an import carried it over from (verified there); null when added in Vigil' })),
    confirmedAt: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'When its owner confirmed an imported contact method' })),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'ContactMethod' },
);
const RuleSchema = Type.Object({ id: Type.String(), userId: Type.String(), urgency: Urgency, contactMethodId: Type.String(), delayMinutes: Type.Number(), createdAt: Type.Number() }, { $id: 'NotificationRule' });
const PageSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    urgency: Urgency,
    subject: Type.String(),
    text: Type.String(),
    sourceType: Type.String(),
    sourceId: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cancelled'), Type.Literal('exhausted')]),
    createdAt: Type.Number(),
    acknowledgedAt: Type.Union([Type.Number(), Type.Null()]),
    acknowledgedVia: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Page' },
);
const ChecklistSchema = Type.Object({
  complete: Type.Boolean(),
  items: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), done: Type.Boolean(), required: Type.Boolean(), help: Type.String() })),
});
const UserParams = Type.Object({ userId: Type.String({ description: 'User id, email, or `me`' }) }, { additionalProperties: false });

export function notificationRoutes(app: App, deps: HttpDeps): void {
  const { core } = deps;
  for (const s of [ContactSchema, RuleSchema, PageSchema]) app.addSchema(s);
  const Contact = Type.Ref('ContactMethod');
  const Rule = Type.Ref('NotificationRule');
  const PageOut = Type.Ref('Page');
  const tags = ['notifications'];
  const userOf = async (ref: string, meId: string) => (ref === 'me' ? meId : await core.uow.run((r) => resolveUserRef(r, ref, 'userId')));

  app.get('/api/v1/users/:userId/contact-methods', {
    schema: {
      tags,
      summary: "A user's contact methods (the person, admins and the leads of the person's teams; others get none, only whether pages would reach the person)",
      params: UserParams,
      response: { 200: Type.Object({ data: Type.Array(Contact), warnings: Type.Array(Type.String()), hidden: Type.Boolean({ description: 'True when the contact methods are private to this viewer' }) }), ...StdErrors },
    },
    handler: async (req) => {
      const p = principalOf(req);
      return contactMethodsOf(core, p, await userOf(req.params.userId, p.user.id));
    },
  });
  app.post('/api/v1/users/:userId/contact-methods', {
    schema: {
      tags,
      summary: 'Add a contact method; a verification code is sent to it (a Slack DM to your linked Slack account is trusted)',
      params: UserParams,
      body: Type.Object(
        {
          type: Type.Union([Type.Literal('slack_dm'), Type.Literal('email'), Type.Literal('sms'), Type.Literal('voice'), Type.Literal('webhook')]),
          address: Type.String({ minLength: 1, maxLength: 500, description: 'Slack user id, email, E.164 phone number or URL' }),
          label: Type.Optional(Type.String({ maxLength: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Contact, ...StdErrors },
    },
    handler: async (req, reply) => {
      const p = principalOf(req);
      return reply.status(201).send(await addContactMethod(core, p, await userOf(req.params.userId, p.user.id), req.body));
    },
  });
  app.post('/api/v1/contact-methods/:id/verify', {
    schema: { tags, summary: 'Verify a contact method with the code sent to it', params: IdParams, body: Type.Object({ code: Type.String({ minLength: 4, maxLength: 10 }) }, { additionalProperties: false }), response: { 200: Contact, ...StdErrors } },
    handler: async (req) => verifyContactMethod(core, principalOf(req), req.params.id, req.body.code),
  });
  app.post('/api/v1/contact-methods/verify-link', {
    config: { auth: 'public' },
    schema: {
      tags,
      summary: 'Verify a contact method with the link sent to it (the token of the link; no sign-in needed)',
      security: [],
      body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Contact, ...StdErrors },
    },
    handler: async (req) => verifyContactByLink(core, req.body.token),
  });
  app.post('/api/v1/contact-methods/:id/confirm', {
    schema: { tags, summary: 'Confirm an imported contact method as it is (it stays usable either way)', params: IdParams, response: { 200: Contact, ...StdErrors } },
    handler: async (req) => confirmContactMethod(core, principalOf(req), req.params.id),
  });
  const ImportSettingsSchema = Type.Object(
    { requireReverification: Type.Boolean({ description: 'Imported contact methods must be verified again in Vigil before they are used (default false: the source had verified them)' }) },
    { additionalProperties: false },
  );
  app.get('/api/v1/settings/imports', {
    schema: { tags, summary: 'How imports treat contact methods', response: { 200: ImportSettingsSchema, ...StdErrors } },
    handler: async () => core.uow.run((r) => getImportSettings(r)),
  });
  app.put('/api/v1/settings/imports', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Require re-verification of imported contact methods, or not (admin)', body: ImportSettingsSchema, response: { 200: ImportSettingsSchema, ...StdErrors } },
    handler: async (req) => setImportSettings(core, principalOf(req), req.body),
  });
  app.post('/api/v1/contact-methods/:id/resend', {
    schema: { tags, summary: 'Send a new verification code', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await resendVerification(core, principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
  app.delete('/api/v1/contact-methods/:id', {
    schema: { tags, summary: 'Remove a contact method (and its rules)', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeContactMethod(core, principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/users/:userId/notification-rules', {
    schema: { tags, summary: "A user's notification rules (the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: Type.Object({ data: Type.Array(Rule) }), ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      return { data: await notificationRulesOf(core, p, await userOf(req.params.userId, p.user.id)) };
    },
  });
  app.post('/api/v1/users/:userId/notification-rules', {
    schema: {
      tags,
      summary: 'Add a rule: notify through a contact method N minutes after a page starts',
      params: UserParams,
      body: Type.Object({ urgency: Type.Union([Type.Literal('high'), Type.Literal('low')]), contactMethodId: Type.String(), delayMinutes: Type.Integer({ minimum: 0, maximum: 240 }) }, { additionalProperties: false }),
      response: { 201: Rule, ...StdErrors },
    },
    handler: async (req, reply) => {
      const p = principalOf(req);
      return reply.status(201).send(await addRule(core, p, await userOf(req.params.userId, p.user.id), req.body));
    },
  });
  app.delete('/api/v1/users/:userId/notification-rules/:ruleId', {
    schema: { tags, summary: 'Remove a rule', params: Type.Object({ userId: Type.String(), ruleId: Type.String() }, { additionalProperties: false }), response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      const p = principalOf(req);
      await removeRule(core, p, await userOf(req.params.userId, p.user.id), req.params.ruleId);
      return reply.status(204).send(null);
    },
  });
  app.get('/api/v1/users/:userId/quiet-hours', {
    schema: { tags, summary: "Quiet hours (null when off; the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: Type.Object({ quietStart: Type.Union([Type.String(), Type.Null()]), quietEnd: Type.Union([Type.String(), Type.Null()]) }), ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      const prefs = await quietHoursOf(core, p, await userOf(req.params.userId, p.user.id));
      return { quietStart: prefs.quietStart, quietEnd: prefs.quietEnd };
    },
  });
  app.put('/api/v1/users/:userId/quiet-hours', {
    schema: {
      tags,
      summary: 'Quiet hours (in the user’s time zone): low-urgency pages wait until they end; null turns them off',
      params: UserParams,
      body: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }, { additionalProperties: false }), Type.Null()]),
      response: { 200: Type.Object({ quietStart: Type.Union([Type.String(), Type.Null()]), quietEnd: Type.Union([Type.String(), Type.Null()]) }), ...StdErrors },
    },
    handler: async (req) => {
      const p = principalOf(req);
      const prefs = await setQuietHours(core, p, await userOf(req.params.userId, p.user.id), req.body);
      return { quietStart: prefs.quietStart, quietEnd: prefs.quietEnd };
    },
  });

  // Checklist
  app.get('/api/v1/users/:userId/checklist', {
    schema: { tags, summary: "The on-call setup checklist (the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: ChecklistSchema, ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      return checklistOf(core, p, await userOf(req.params.userId, p.user.id));
    },
  });
  app.post('/api/v1/me/severity-levels-read', {
    schema: { tags, summary: 'Mark the severity levels read (setup checklist)', response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await markSeverityLevelsRead(core, principalOf(req));
      return reply.status(204).send(null);
    },
  });
  app.get('/api/v1/teams/:id/readiness', {
    schema: {
      tags,
      summary: 'Who in the next two weeks of the team’s schedules is not ready to be on call',
      params: IdParams,
      response: {
        200: Type.Object({
          data: Type.Array(Type.Object({ user: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }), nextShiftStart: Type.Number(), scheduleName: Type.String(), missing: Type.Array(Type.String()), warnings: Type.Array(Type.String()) })),
        }),
        ...StdErrors,
      },
    },
    handler: async (req) => {
      const now = core.clock.now();
      return core.uow.run(async (r) => {
        const team = await findTeam(r, req.params.id);
        if (!team) throw notFound('team', req.params.id);
        const firstShift = new Map<string, { start: number; schedule: string }>();
        for (const s of await r.schedules.list({ teamId: team.id })) {
          for (const sh of (await finalScheduleOf(r, s, now, now + 14 * DAY)).shifts) {
            const cur = firstShift.get(sh.userId);
            if (!cur || sh.start < cur.start) firstShift.set(sh.userId, { start: sh.start, schedule: s.name });
          }
        }
        const out = [];
        for (const [userId, shift] of [...firstShift.entries()].sort((a, b) => a[1].start - b[1].start)) {
          const user = await r.users.findById(userId);
          if (!user) continue;
          const checklist = await checklistFor(r, userId);
          const warnings = await reachabilityWarnings(r, userId);
          const missing = checklist.items.filter((i) => !i.done && i.required).map((i) => i.label);
          // Without a rule, verified contact methods are still used: only unreachable people are not ready.
          // A degraded contact method (its deliveries keep failing) is shown too: pages may not arrive there.
          if (missing.length || warnings.some((w) => w.startsWith('no verified') || w.startsWith('degraded'))) out.push({ user: { id: user.id, name: user.name, email: user.email }, nextShiftStart: shift.start, scheduleName: shift.schedule, missing, warnings });
        }
        return { data: out };
      });
    },
  });

  // Pages
  app.get('/api/v1/pages', {
    schema: {
      tags,
      summary: 'Pages sent to you (admins: ?user=)',
      querystring: Type.Object({ user: Type.Optional(Type.String()), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cancelled'), Type.Literal('exhausted')])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(PageOut) }), ...StdErrors },
    },
    handler: async (req) => {
      const p = principalOf(req);
      const userId = req.query.user ? await userOf(req.query.user, p.user.id) : p.user.id;
      assertSelfOrAdmin(p, userId);
      return core.uow.run(async (r) => ({ data: await r.notifications.listPages({ userId, ...(req.query.status ? { status: req.query.status } : {}) }) }));
    },
  });
  app.post('/api/v1/pages/test', {
    schema: { tags, summary: 'Send yourself a test page through your high-urgency rules', response: { 201: PageOut, ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await sendTestPage(core, principalOf(req))),
  });
  app.get('/api/v1/pages/:id', {
    schema: { tags, summary: 'A page with its timeline (each notification sent, failed, retried)', params: IdParams, response: { 200: Type.Object({ page: PageOut, timeline: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      return core.uow.run(async (r) => {
        const page = await r.notifications.findPage(req.params.id);
        if (!page) throw notFound('page', req.params.id);
        assertSelfOrAdmin(p, page.userId);
        return { page, timeline: await r.events.list('page', page.id) };
      });
    },
  });
  app.post('/api/v1/pages/:id/acknowledge', {
    schema: { tags, summary: 'Acknowledge a page sent to you', params: IdParams, response: { 200: PageOut, ...StdErrors } },
    handler: async (req) => {
      const p = principalOf(req);
      const page = await core.uow.run((r) => r.notifications.findPage(req.params.id));
      if (!page) throw notFound('page', req.params.id);
      assertSelfOrAdmin(p, page.userId);
      return ackPageAs(core, p, req.params.id, 'web');
    },
  });

  // Templates
  app.get('/api/v1/message-templates', {
    schema: { tags, summary: 'Message templates overridden by admins', response: { 200: Type.Object({ data: Type.Array(Type.Object({ eventType: Type.String(), subject: Type.String(), body: Type.String() })) }), ...StdErrors } },
    handler: async () => core.uow.run(async (r) => ({ data: await r.notifications.listTemplates() })),
  });
  app.put('/api/v1/message-templates/:eventType', {
    config: { auth: 'admin' },
    schema: {
      tags,
      summary: 'Override the message template of an event type ({{placeholders}} are filled in); null restores the default',
      params: Type.Object({ eventType: Type.String({ pattern: '^[a-z_.]+$', maxLength: 100 }) }),
      body: Type.Union([Type.Object({ subject: Type.String({ minLength: 1, maxLength: 300 }), body: Type.String({ minLength: 1, maxLength: 10000 }) }, { additionalProperties: false }), Type.Null()]),
      response: { 204: Type.Null(), ...StdErrors },
    },
    handler: async (req, reply) => {
      await setMessageTemplate(core, principalOf(req), req.params.eventType, req.body);
      return reply.status(204).send(null);
    },
  });
}
