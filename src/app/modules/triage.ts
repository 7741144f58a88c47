/**
 * Error triage, wired: the Sentry webhook and queue routes, the job that tells Sentry what was
 * decided, the triage message's buttons and the Slack `/triage` command. Jira files the bugs,
 * Sentry's API resolves, ignores and assigns issues; both are optional.
 */
import type { VigilConfig } from '../../config/config.js';
import { notLinkedReply, type SlackContext, type SlackReply } from '../../core/notifications/slack-app.js';
import { systemCtx, userCtx, type Ctx } from '../../core/shared/context.js';
import type { CoreDeps } from '../../core/shared/ports.js';
import {
  SENTRY_SYNC_JOB,
  decideBug,
  decideFixing,
  decideIncident,
  decideNoise,
  syncToSentry,
  triageQueue,
  type BugTracker,
  type SentryChange,
  type SentryIssues,
  type TriageDeps,
} from '../../core/triage/triage.js';
import { triageRoutes } from '../../http/routes/triage.js';
import { JiraClient } from '../../integrations/outbound/jira/client.js';
import { SentryClient } from '../../integrations/outbound/sentry/client.js';
import { escapeSlackText } from '../../integrations/outbound/slack/blocks.js';
import type { VigilModule } from '../modules.js';

/** Jira Bugs in VIGIL_JIRA_BUG_PROJECT, when Jira is configured. */
export function jiraBugTracker(config: VigilConfig): BugTracker | undefined {
  const { baseUrl, email, apiToken, bugProject } = config.jira;
  if (!baseUrl || !email || !apiToken || !bugProject) return undefined;
  const jira = new JiraClient({ baseUrl, email, apiToken });
  return {
    async createBug(input) {
      const created = await jira.createIssue({
        projectKey: bugProject,
        issueType: 'Bug',
        summary: input.summary,
        description: input.description,
        labels: input.labels,
      });
      return { key: created.key, url: created.url };
    },
  };
}

/** Sentry's issue API, when a token is configured. */
export function sentryIssues(config: VigilConfig): SentryIssues | undefined {
  const { apiUrl, token, org } = config.sentry;
  if (!token) return undefined;
  const client = new SentryClient({ baseUrl: apiUrl, token, ...(org ? { org } : {}) });
  return {
    async updateIssue(issueId: string, change: SentryChange) {
      await client.updateIssue(issueId, {
        ...(change.status ? { status: change.status } : {}),
        ...(change.ignoreDurationMinutes ? { statusDetails: { ignoreDuration: change.ignoreDurationMinutes } } : {}),
        ...(change.assignedTo !== undefined ? { assignedTo: change.assignedTo } : {}),
      });
    },
  };
}

function slackHandlers(core: CoreDeps, config: VigilConfig, bugs: BugTracker | undefined) {
  const triage: TriageDeps = { ...core, ...(bugs ? { bugs } : {}) };
  const decide =
    (kind: 'incident' | 'bug' | 'fixing' | 'ignore' | 'resolve') =>
    async (ctx: SlackContext, action: { value: string }): Promise<SlackReply> => {
      if (!ctx.user) return notLinkedReply(config.publicUrl);
      const c: Ctx = userCtx(ctx.user, core.clock.now(), config.publicUrl);
      switch (kind) {
        case 'incident': {
          const { incident } = await decideIncident(core, c, { item: action.value });
          return {
            text: `INC-${incident.number} [${incident.severity}] declared from the error; you are commander. ${config.publicUrl}/incidents/${incident.id}`,
          };
        }
        case 'bug': {
          const { ticket } = await decideBug(triage, c, { item: action.value });
          return { text: `Bug filed${ticket.local ? ' in the backlog' : ''}: <${ticket.url}|${ticket.key}>.` };
        }
        case 'fixing': {
          const item = await decideFixing(core, c, { item: action.value });
          return { text: `#${item.number} is yours: assigned to you here and in Sentry.` };
        }
        default: {
          const item = await decideNoise(core, c, { item: action.value, action: kind });
          return { text: `#${item.number} ${kind === 'ignore' ? 'ignored' : 'resolved'} as noise, here and in Sentry.` };
        }
      }
    };
  return {
    commands: {
      '/triage': async (ctx: SlackContext): Promise<SlackReply> => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const q = await triageQueue(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { state: 'open', limit: 10 });
        if (q.items.length === 0) return { text: `The triage queue is empty. ${config.publicUrl}/triage` };
        const blocks: unknown[] = [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: `*Triage queue* (${q.items.length}${q.items.length === 10 ? '+' : ''}) — _${escapeSlackText(q.guidance)}_` },
          },
        ];
        for (const i of q.items) {
          blocks.push({
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `*#${i.number}*${i.regression ? ' :rewind: regression' : ''} ${escapeSlackText(i.title)}\n${i.level} · ${i.events} events · ${i.usersAffected} users${i.webUrl ? ` · <${i.webUrl}|Sentry>` : ''}`,
            },
          });
          blocks.push({
            type: 'actions',
            block_id: `triage_${i.id}`,
            elements: [
              { type: 'button', text: { type: 'plain_text', text: 'Incident' }, action_id: 'triage.incident', value: i.id, style: 'danger' },
              { type: 'button', text: { type: 'plain_text', text: 'Bug' }, action_id: 'triage.bug', value: i.id },
              { type: 'button', text: { type: 'plain_text', text: 'I am fixing it' }, action_id: 'triage.fixing', value: i.id, style: 'primary' },
              { type: 'button', text: { type: 'plain_text', text: 'Ignore' }, action_id: 'triage.ignore', value: i.id },
              { type: 'button', text: { type: 'plain_text', text: 'Resolve' }, action_id: 'triage.resolve', value: i.id },
            ],
          });
        }
        return { text: q.items.map((i) => `#${i.number} ${i.title}`).join('\n'), blocks: blocks.slice(0, 50) };
      },
    },
    actions: {
      'triage.incident': decide('incident'),
      'triage.bug': decide('bug'),
      'triage.fixing': decide('fixing'),
      'triage.ignore': decide('ignore'),
      'triage.resolve': decide('resolve'),
    },
  };
}

export function triageModule(
  config: VigilConfig,
  ports: { bugs?: BugTracker; sentry?: SentryIssues } = { bugs: jiraBugTracker(config), sentry: sentryIssues(config) },
): VigilModule {
  return {
    name: 'triage',
    routes: [triageRoutes(ports.bugs ? { bugs: ports.bugs } : {})],
    jobHandlers: ({ core }) => ({
      [SENTRY_SYNC_JOB]: async (job) =>
        syncToSentry({ ...core, ...(ports.sentry ? { sentry: ports.sentry } : {}) }, systemCtx(core.clock.now(), config.publicUrl), {
          ...job.payload,
          attempt: { number: job.attempt, max: job.maxAttempts },
        }),
    }),
    slackHandlers: ({ core }) => slackHandlers(core, config, ports.bugs),
  };
}
