import { Type } from '@sinclair/typebox';
import {
  addContactMethod,
  addRule,
  confirmContactMethod,
  getImportSettings,
  setImportSettings,
  listMessageTemplates,
  markSeverityLevelsRead,
  removeContactMethod,
  removeRule,
  resendVerification,
  setQuietHours,
  teamReadiness,
  verifyContactMethod,
  setMessageTemplate,
  verifyContactByLink,
  CONTACT_TYPES,
} from '../../core/notifications/notifications.js';
import { acknowledgePageAs, getPage, listPages, sendTestPage } from '../../core/notifications/pages.js';
import { checklistOf, contactMethodsOf, notificationRulesOf, quietHoursOf } from '../../core/users/personal.js';
import { principalCtx, systemCtx, type Ctx } from '../../core/shared/context.js';
import { resolveUserId } from '../../core/users/users.js';
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
  const ctxOf = (req: Parameters<typeof principalOf>[0]): Ctx => principalCtx(principalOf(req), core.clock.now(), deps.config.publicUrl);
  /** The person a `:userId` names (`me`, an id or an email), as the signed-in principal sees them. */
  const subjectOf = async (req: Parameters<typeof principalOf>[0], ref: string) => {
    const ctx = ctxOf(req);
    return { p: principalOf(req), userId: await resolveUserId(core, ctx, { ref }) };
  };

  app.get('/api/v1/users/:userId/contact-methods', {
    schema: {
      tags,
      summary: "A user's contact methods (the person, admins and the leads of the person's teams; others get none, only whether pages would reach the person)",
      params: UserParams,
      response: { 200: Type.Object({ data: Type.Array(Contact), warnings: Type.Array(Type.String()), hidden: Type.Boolean({ description: 'True when the contact methods are private to this viewer' }) }), ...StdErrors },
    },
    handler: async (req) => {
      const { p, userId } = await subjectOf(req, req.params.userId);
      return contactMethodsOf(core, p, userId);
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
    handler: async (req, reply) => reply.status(201).send(await addContactMethod(core, ctxOf(req), { user: req.params.userId, ...req.body })),
  });
  app.post('/api/v1/contact-methods/:id/verify', {
    schema: { tags, summary: 'Verify a contact method with the code sent to it', params: IdParams, body: Type.Object({ code: Type.String({ minLength: 4, maxLength: 10 }) }, { additionalProperties: false }), response: { 200: ContactSchema, ...StdErrors } },
    handler: async (req) => verifyContactMethod(core, ctxOf(req), { contactMethodId: req.params.id, code: req.body.code }),
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
    handler: async (req) => verifyContactByLink(core, systemCtx(core.clock.now(), deps.config.publicUrl), { token: req.body.token }),
  });
  app.post('/api/v1/contact-methods/:id/confirm', {
    schema: { tags, summary: 'Confirm an imported contact method as it is (it stays usable either way)', params: IdParams, response: { 200: ContactSchema, ...StdErrors } },
    handler: async (req) => confirmContactMethod(core, ctxOf(req), { contactMethodId: req.params.id }),
  });
  const ImportSettingsSchema = Type.Object(
    { requireReverification: Type.Boolean({ description: 'Imported contact methods must be verified again in Vigil before they are used (default false: the source had verified them)' }) },
    { additionalProperties: false },
  );
  app.get('/api/v1/settings/imports', {
    schema: { tags, summary: 'How imports treat contact methods', response: { 200: ImportSettingsSchema, ...StdErrors } },
    handler: async (req) => getImportSettings(core, ctxOf(req)),
  });
  app.put('/api/v1/settings/imports', {
    config: { auth: 'admin' },
    schema: { tags, summary: 'Require re-verification of imported contact methods, or not (admin)', body: ImportSettingsSchema, response: { 200: ImportSettingsSchema, ...StdErrors } },
    handler: async (req) => setImportSettings(core, ctxOf(req), req.body),
  });
  app.post('/api/v1/contact-methods/:id/resend', {
    schema: { tags, summary: 'Send a new verification code', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await resendVerification(core, ctxOf(req), { contactMethodId: req.params.id });
      return reply.status(204).send(null);
    },
  });
  app.delete('/api/v1/contact-methods/:id', {
    schema: { tags, summary: 'Remove a contact method (and its rules)', params: IdParams, response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeContactMethod(core, ctxOf(req), { contactMethodId: req.params.id });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/v1/users/:userId/notification-rules', {
    schema: { tags, summary: "A user's notification rules (the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: Type.Object({ data: Type.Array(Rule) }), ...StdErrors } },
    handler: async (req) => {
      const { p, userId } = await subjectOf(req, req.params.userId);
      return { data: await notificationRulesOf(core, p, userId) };
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
    handler: async (req, reply) => reply.status(201).send(await addRule(core, ctxOf(req), { user: req.params.userId, ...req.body })),
  });
  app.delete('/api/v1/users/:userId/notification-rules/:ruleId', {
    schema: { tags, summary: 'Remove a rule', params: Type.Object({ userId: Type.String(), ruleId: Type.String() }, { additionalProperties: false }), response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await removeRule(core, ctxOf(req), { user: req.params.userId, ruleId: req.params.ruleId });
      return reply.status(204).send(null);
    },
  });
  app.get('/api/v1/users/:userId/quiet-hours', {
    schema: { tags, summary: "Quiet hours (null when off; the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: Type.Object({ quietStart: Type.Union([Type.String(), Type.Null()]), quietEnd: Type.Union([Type.String(), Type.Null()]) }), ...StdErrors } },
    handler: async (req) => {
      const { p, userId } = await subjectOf(req, req.params.userId);
      const prefs = await quietHoursOf(core, p, userId);
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
      const prefs = await setQuietHours(core, ctxOf(req), { user: req.params.userId, quiet: req.body });
      return { quietStart: prefs.quietStart, quietEnd: prefs.quietEnd };
    },
  });

  // Checklist
  app.get('/api/v1/users/:userId/checklist', {
    schema: { tags, summary: "The on-call setup checklist (the person, admins and the leads of the person's teams)", params: UserParams, response: { 200: ChecklistSchema, ...StdErrors } },
    handler: async (req) => {
      const { p, userId } = await subjectOf(req, req.params.userId);
      return checklistOf(core, p, userId);
    },
  });
  app.post('/api/v1/me/severity-levels-read', {
    schema: { tags, summary: 'Mark the severity levels read (setup checklist)', response: { 204: Type.Null(), ...StdErrors } },
    handler: async (req, reply) => {
      await markSeverityLevelsRead(core, ctxOf(req));
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
    handler: async (req) => teamReadiness(core, ctxOf(req), { team: req.params.id }),
  });

  // Pages
  app.get('/api/v1/pages', {
    schema: {
      tags,
      summary: 'Pages sent to you (admins: ?user=)',
      querystring: Type.Object({ user: Type.Optional(Type.String()), status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cancelled'), Type.Literal('exhausted')])) }, { additionalProperties: false }),
      response: { 200: Type.Object({ data: Type.Array(PageOut) }), ...StdErrors },
    },
    handler: async (req) => listPages(core, ctxOf(req), req.query),
  });
  app.post('/api/v1/pages/test', {
    schema: { tags, summary: 'Send yourself a test page through your high-urgency rules', response: { 201: PageSchema, ...StdErrors } },
    handler: async (req, reply) => reply.status(201).send(await sendTestPage(core, ctxOf(req))),
  });
  app.get('/api/v1/pages/:id', {
    schema: { tags, summary: 'A page with its timeline (each notification sent, failed, retried)', params: IdParams, response: { 200: Type.Object({ page: PageSchema, timeline: Type.Array(TimelineEventSchema) }), ...StdErrors } },
    handler: async (req) => getPage(core, ctxOf(req), { id: req.params.id }),
  });
  app.post('/api/v1/pages/:id/acknowledge', {
    schema: { tags, summary: 'Acknowledge a page sent to you', params: IdParams, response: { 200: PageSchema, ...StdErrors } },
    handler: async (req) => acknowledgePageAs(core, ctxOf(req), { pageId: req.params.id, via: 'web' }),
  });

  // Templates
  app.get('/api/v1/message-templates', {
    schema: { tags, summary: 'Message templates overridden by admins', response: { 200: Type.Object({ data: Type.Array(Type.Object({ eventType: Type.String(), subject: Type.String(), body: Type.String() })) }), ...StdErrors } },
    handler: async (req) => listMessageTemplates(core, ctxOf(req)),
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
      await setMessageTemplate(core, ctxOf(req), { eventType: req.params.eventType, template: req.body });
      return reply.status(204).send(null);
    },
  });
}
