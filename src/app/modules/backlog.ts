/**
 * The better-engineering backlog, wired: routes, the Jira source (read by VIGIL_JIRA_BACKLOG_JQL,
 * every 15 minutes through a job the reconciler queues once per slot, and on demand), the job that
 * moves a finished Jira task to Done, and the Slack `/backlog` command with its Pick / Done buttons.
 */
import type { VigilConfig } from '../../config/config.js';
import {
  JIRA_DONE_JOB,
  JIRA_SYNC_JOB,
  finishTask,
  markDoneInJira,
  myBacklog,
  pickTask,
  scheduleBacklogSync,
  syncBacklog,
  taskRef,
  type BacklogSource,
  type BacklogTask,
} from '../../core/backlog/backlog.js';
import { notLinkedReply, type SlackContext, type SlackReply } from '../../core/notifications/slack-app.js';
import { systemCtx, userCtx } from '../../core/shared/context.js';
import type { CoreDeps } from '../../core/shared/ports.js';
import { backlogRoutes } from '../../http/routes/backlog.js';
import { DEFAULT_ISSUE_FIELDS, JiraClient } from '../../integrations/outbound/jira/client.js';
import { escapeSlackText } from '../../integrations/outbound/slack/blocks.js';
import type { VigilModule } from '../modules.js';

/** Plain text of an Atlassian Document (Jira v3 rich-text fields). */
export function adfToText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  const blocks: string[] = [];
  const inline = (n: unknown): string => {
    if (typeof n !== 'object' || n === null) return '';
    const node = n as { type?: string; text?: string; content?: unknown[] };
    if (node.type === 'text') return node.text ?? '';
    if (node.type === 'hardBreak') return '\n';
    return (node.content ?? []).map(inline).join('');
  };
  const walk = (n: unknown): void => {
    if (typeof n !== 'object' || n === null) return;
    const node = n as { type?: string; content?: unknown[] };
    if (
      node.type === 'doc' ||
      node.type === 'bulletList' ||
      node.type === 'orderedList' ||
      node.type === 'listItem' ||
      node.type === 'blockquote' ||
      node.type === 'panel'
    ) {
      for (const c of node.content ?? []) walk(c);
      return;
    }
    const text = inline(n).trim();
    if (text) blocks.push(text);
  };
  walk(doc);
  return blocks.join('\n\n');
}

/** The Jira backlog, when Jira and VIGIL_JIRA_BACKLOG_JQL are configured. */
export function jiraBacklogSource(config: VigilConfig): BacklogSource | undefined {
  const { baseUrl, email, apiToken, backlogJql } = config.jira;
  if (!baseUrl || !email || !apiToken || !backlogJql) return undefined;
  const jira = new JiraClient({ baseUrl, email, apiToken });
  return {
    async fetch() {
      const issues = await jira.searchJqlAll(backlogJql, [...DEFAULT_ISSUE_FIELDS, 'description'], 2000);
      return issues.map((i) => ({
        key: i.key,
        url: i.url,
        title: i.summary,
        description: adfToText(i.fields.description ?? ''),
        category: i.statusCategory === 'new' || i.statusCategory === 'indeterminate' || i.statusCategory === 'done' ? i.statusCategory : null,
        statusName: i.status,
        priority: i.priority,
        labels: i.labels,
        assignee: i.assignee ? { name: i.assignee.displayName, email: i.assignee.emailAddress ?? null } : null,
      }));
    },
    async markDone(key) {
      const res = await jira.transitionIssue(key, 'Done');
      return { transitioned: res.transitioned, status: res.status };
    },
  };
}

const line = (t: BacklogTask) => `*${escapeSlackText(taskRef(t))}* ${escapeSlackText(t.title)} _(${t.priority})_${t.jiraUrl ? ` <${t.jiraUrl}|Jira>` : ''}`;

function slackHandlers(core: CoreDeps, config: VigilConfig) {
  return {
    commands: {
      '/backlog': async (ctx: SlackContext): Promise<SlackReply> => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const { top, suggestion } = await myBacklog(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { limit: 5 });
        const blocks: unknown[] = [];
        const intro = suggestion.busy
          ? `You have things open (${suggestion.reasons.slice(0, 3).join('; ')}); for later, the top of the backlog:`
          : 'Nothing is open for you: pick some better-engineering work.';
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: escapeSlackText(intro) } });
        for (const t of suggestion.inProgress) {
          blocks.push({
            type: 'section',
            text: { type: 'mrkdwn', text: `In progress: ${line(t)}` },
            accessory: { type: 'button', text: { type: 'plain_text', text: 'Done' }, action_id: 'backlog.done', value: t.id, style: 'primary' },
          });
        }
        for (const t of top)
          blocks.push({
            type: 'section',
            text: { type: 'mrkdwn', text: line(t) },
            accessory: { type: 'button', text: { type: 'plain_text', text: 'Pick' }, action_id: 'backlog.pick', value: t.id },
          });
        if (top.length === 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `The backlog is empty. Add work at ${config.publicUrl}/backlog` } });
        const text = [
          intro,
          ...suggestion.inProgress.map((t) => `In progress: ${taskRef(t)} ${t.title}`),
          ...top.map((t) => `${taskRef(t)} ${t.title} (${t.priority})`),
        ].join('\n');
        return { text, blocks };
      },
    },
    actions: {
      'backlog.pick': async (ctx: SlackContext, action: { value: string }): Promise<SlackReply> => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const t = await pickTask(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { ref: action.value });
        return { text: `You picked ${taskRef(t)} ${t.title}. Mark it done with \`/backlog\` or ${config.publicUrl}/backlog` };
      },
      'backlog.done': async (ctx: SlackContext, action: { value: string }): Promise<SlackReply> => {
        if (!ctx.user) return notLinkedReply(config.publicUrl);
        const t = await finishTask(core, userCtx(ctx.user, core.clock.now(), config.publicUrl), { ref: action.value });
        return { text: `Done: ${taskRef(t)} ${t.title}. Thank you!` };
      },
    },
  };
}

export function backlogModule(config: VigilConfig, source: BacklogSource | undefined = jiraBacklogSource(config)): VigilModule {
  return {
    name: 'backlog',
    routes: [backlogRoutes(source)],
    jobHandlers: ({ core }) => ({
      [JIRA_DONE_JOB]: async (job) =>
        markDoneInJira({ ...core, ...(source ? { source } : {}) }, systemCtx(core.clock.now(), config.publicUrl), {
          ...job.payload,
          attempt: { number: job.attempt, max: job.maxAttempts },
        }),
      [JIRA_SYNC_JOB]: async () => {
        if (source) await syncBacklog({ ...core, source }, systemCtx(core.clock.now(), config.publicUrl));
      },
    }),
    // Once per 15-minute slot, whichever process sweeps first queues the sync (the dedupe key is the slot).
    reconcilers: ({ core }) =>
      source
        ? [
            async () => {
              await scheduleBacklogSync(core, systemCtx(core.clock.now(), config.publicUrl));
            },
          ]
        : [],
    slackHandlers: ({ core }) => slackHandlers(core, config),
  };
}
