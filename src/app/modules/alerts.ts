/**
 * Alerts and escalation, wired: jobs (escalation steps, storms, snoozes, heartbeats, pages
 * acknowledged), REST and intake routes, Slack buttons, and the vigil.yaml sections.
 */
import { ESCALATE_JOB, SNOOZE_END_JOB, STORM_JOB, acknowledge, alertPageUnreached, checkHeartbeat, close, endSnooze, runEscalationStep, runStormSummary, type IngestContext } from '../../core/alerts/alerts.js';
import { HEARTBEAT_JOB } from '../../core/alerts/services.js';
import { alertsSections } from '../../core/config-as-code/alerts-sections.js';
import { notLinkedReply, type SlackAction, type SlackContext } from '../../core/notifications/slack-app.js';
import { SYSTEM_ACTOR, type CoreDeps } from '../../core/shared/ports.js';
import { alertRoutes } from '../../http/routes/alerts.js';
import { intakeRoutes } from '../../http/routes/intake.js';
import type { VigilModule } from '../modules.js';

const systemCtx = (core: CoreDeps, publicUrl: string): IngestContext => ({ now: core.clock.now(), publicUrl, actor: SYSTEM_ACTOR });

export const alertsModule: VigilModule = {
  name: 'alerts',
  configSections: alertsSections,
  routes: [alertRoutes, intakeRoutes],
  jobHandlers: ({ core, config }) => ({
    [ESCALATE_JOB]: async (job) => core.uow.run((r) => runEscalationStep(r, systemCtx(core, config.publicUrl), job.payload)),
    [STORM_JOB]: async (job) => core.uow.run((r) => runStormSummary(r, systemCtx(core, config.publicUrl), job.payload)),
    [SNOOZE_END_JOB]: async (job) => core.uow.run((r) => endSnooze(r, systemCtx(core, config.publicUrl), job.payload)),
    [HEARTBEAT_JOB]: async (job) => core.uow.run((r) => checkHeartbeat(r, systemCtx(core, config.publicUrl), job.payload.heartbeatId)),
  }),
  // A person acknowledged their page: the alert it was about is acknowledged by them.
  pageAcknowledged: ({ core, config }) => ({
    alert: async (p) => {
      await core.uow.run(async (r) => {
        const alert = await r.alerts.findAlert(p.sourceId);
        if (!alert || alert.status !== 'open') return;
        const service = await r.alerts.findService(alert.serviceId);
        const user = await r.users.findById(p.userId);
        if (!service) return;
        await acknowledge(r, { ...systemCtx(core, config.publicUrl), actor: { type: 'user', id: p.userId } }, service, alert, { type: 'user', id: p.userId }, `${user?.name ?? p.userId} (${p.via})`);
      });
    },
  }),
  // A page of an alert reached nobody: shown on the alert, posted, and the next step runs now.
  pageUnreached: ({ core, config }) => ({
    alert: async (p) => core.uow.run((r) => alertPageUnreached(r, systemCtx(core, config.publicUrl), p)),
  }),
  slackHandlers: ({ core, config }) => {
    const act = (kind: 'ack' | 'close') => async (ctx: SlackContext, action: SlackAction) => {
      if (!ctx.user) return notLinkedReply(config.publicUrl);
      const user = ctx.user;
      return core.uow.run(async (r) => {
        const alert = await r.alerts.findAlert(action.value);
        if (!alert) return { text: 'That alert no longer exists.' };
        const service = await r.alerts.findService(alert.serviceId);
        if (!service) return { text: 'That alert no longer has a service.' };
        const c: IngestContext = { now: core.clock.now(), publicUrl: config.publicUrl, actor: { type: 'user', id: user.id } };
        if (kind === 'ack') {
          if (alert.status !== 'open') return { text: `Alert #${alert.number} is ${alert.status} already.` };
          await acknowledge(r, c, service, alert, c.actor, `${user.name} (slack)`);
          return { text: `You acknowledged alert #${alert.number}.` };
        }
        await close(r, c, service, alert, c.actor, `${user.name} (slack)`);
        return { text: `You closed alert #${alert.number}.` };
      });
    };
    return { actions: { 'alert.ack': act('ack'), 'alert.close': act('close') } };
  },
};
