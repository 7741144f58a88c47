/**
 * Alerts and escalation, wired: jobs (escalation steps, storms, snoozes, heartbeats, pages
 * acknowledged), REST and intake routes, Slack buttons, and the vigil.yaml sections.
 */
import { ESCALATE_JOB, SNOOZE_END_JOB, STORM_JOB, alertButton, alertPageAcknowledged, alertPageUnreached, checkHeartbeat, endSnooze, runEscalationJob, runStormSummary } from '../../core/alerts/alerts.js';
import { HEARTBEAT_JOB } from '../../core/alerts/services.js';
import { alertsSections } from '../../core/config-as-code/alerts-sections.js';
import { notLinkedReply, type SlackAction, type SlackContext } from '../../core/notifications/slack-app.js';
import { systemCtx, userCtx } from '../../core/shared/context.js';
import { alertRoutes } from '../../http/routes/alerts.js';
import { intakeRoutes } from '../../http/routes/intake.js';
import type { VigilModule } from '../modules.js';

export const alertsModule: VigilModule = {
  name: 'alerts',
  configSections: alertsSections,
  routes: [alertRoutes, intakeRoutes],
  jobHandlers: ({ core, config }) => ({
    [ESCALATE_JOB]: async (job) => runEscalationJob(core, systemCtx(core.clock.now(), config.publicUrl), job.payload),
    [STORM_JOB]: async (job) => runStormSummary(core, systemCtx(core.clock.now(), config.publicUrl), job.payload),
    [SNOOZE_END_JOB]: async (job) => endSnooze(core, systemCtx(core.clock.now(), config.publicUrl), job.payload),
    [HEARTBEAT_JOB]: async (job) => checkHeartbeat(core, systemCtx(core.clock.now(), config.publicUrl), { heartbeatId: String(job.payload.heartbeatId) }),
  }),
  // A person acknowledged their page: the alert it was about is acknowledged by them.
  pageAcknowledged: ({ core, config }) => ({
    alert: async (p) => alertPageAcknowledged(core, systemCtx(core.clock.now(), config.publicUrl), { alertId: p.sourceId, userId: p.userId, via: p.via }),
  }),
  // A page of an alert reached nobody: shown on the alert, posted, and the next step runs now.
  pageUnreached: ({ core, config }) => ({
    alert: async (p) => alertPageUnreached(core, systemCtx(core.clock.now(), config.publicUrl), p),
  }),
  slackHandlers: ({ core, config }) => {
    const act = (kind: 'ack' | 'close') => async (ctx: SlackContext, action: SlackAction) => {
      if (!ctx.user) return notLinkedReply(config.publicUrl);
      const res = await alertButton(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { action: kind, alertId: action.value, via: 'slack' });
      if (res.outcome === 'not_found') return { text: 'That alert no longer exists.' };
      if (res.outcome === 'no_service') return { text: 'That alert no longer has a service.' };
      if (res.outcome === 'not_open') return { text: `Alert #${res.alert.number} is ${res.alert.status} already.` };
      return { text: kind === 'ack' ? `You acknowledged alert #${res.alert.number}.` : `You closed alert #${res.alert.number}.` };
    };
    return { actions: { 'alert.ack': act('ack'), 'alert.close': act('close') } };
  },
};
