/**
 * Incidents, wired: routes, reminder and channel jobs, the Slack `/incident` command and the
 * alert message's "Declare incident" button.
 */
import type { VigilConfig } from '../../config/config.js';
import { CHANNEL_JOB, UPDATE_REMINDER_JOB } from '../../core/incidents/incidents.js';
import { declareFromAlert, runIncidentCommand } from '../../core/incidents/slack-commands.js';
import { attachIncidentChannel, incidentChannelReady, incidentForChannel, incidentPageAcknowledged, incidentPageUnreached, remindUpdate } from '../../core/incidents/use-cases.js';
import type { SlackWorkspace } from '../../core/notifications/channels.js';
import { notLinkedReply } from '../../core/notifications/slack-app.js';
import { systemCtx, userCtx } from '../../core/shared/context.js';
import { incidentRoutes } from '../../http/routes/incidents.js';
import { toSlackChannelName } from '../../integrations/outbound/slack/client.js';
import { incidentSettingsSection, severitiesSection } from '../../core/config-as-code/incident-sections.js';
import type { VigilModule } from '../modules.js';

export function incidentsModule(config: VigilConfig, slack?: SlackWorkspace): VigilModule {
  return {
    name: 'incidents',
    routes: [incidentRoutes],
    configSections: [severitiesSection, incidentSettingsSection],
    jobHandlers: ({ core }) => ({
      [UPDATE_REMINDER_JOB]: async (job) => remindUpdate(core, systemCtx(core.clock.now(), config.publicUrl), job.payload),
      // An incident channel per incident of a level that asks for one: created, responders invited, topic set.
      [CHANNEL_JOB]: async (job) => {
        if (!slack) return;
        const incident = await incidentForChannel(core, systemCtx(core.clock.now(), config.publicUrl), { incidentId: String(job.payload.incidentId) });
        if (!incident) return;
        const channel = incident.slackChannelId ? { id: incident.slackChannelId } : await slack.createChannel(toSlackChannelName(`inc-${incident.number}-${incident.title}`));
        const { invite, topic } = await attachIncidentChannel(core, systemCtx(core.clock.now(), config.publicUrl), { incidentId: incident.id, channelId: channel.id });
        if (invite.length) await slack.inviteToChannel(channel.id, invite);
        await slack.setChannelTopic(channel.id, topic);
        await incidentChannelReady(core, systemCtx(core.clock.now(), config.publicUrl), { incidentId: incident.id, channelId: channel.id });
      },
    }),
    pageAcknowledged: ({ core }) => ({
      incident: async (p) => incidentPageAcknowledged(core, systemCtx(core.clock.now(), config.publicUrl), p),
    }),
    pageUnreached: ({ core }) => ({
      incident: async (p) => incidentPageUnreached(core, systemCtx(core.clock.now(), config.publicUrl), p),
    }),
    slackHandlers: ({ core }) => ({
      commands: {
        '/incident': async (ctx, text) => (ctx.user ? runIncidentCommand(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { text, ...(ctx.channelId ? { channelId: ctx.channelId } : {}) }) : notLinkedReply(config.publicUrl)),
      },
      actions: {
        // From an alert's message: declare an incident at the severity matching the alert's priority.
        'alert.declare_incident': async (ctx, action) => (ctx.user ? declareFromAlert(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { alertId: action.value }) : notLinkedReply(config.publicUrl)),
      },
    }),
  };
}
