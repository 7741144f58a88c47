/**
 * Post-mortems and shift reports, wired: drafts at resolution and at shift start, Jira tickets for
 * action items (their status followed back), reminders, routes.
 */
import { SYSTEM_ACTOR } from '../../core/shared/ports.js';
import { REPORT_DRAFT_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import { POSTMORTEM_JOB } from '../../core/incidents/incidents.js';
import { ACTION_ITEM_TICKET_JOB, POSTMORTEM_REMINDER_JOB, postmortemIfRequired, remindOverdue } from '../../core/postmortems/postmortems.js';
import { REPORT_REMINDER_JOB, createDraft, remindReport, type ReportSources } from '../../core/reports/reports.js';
import { JiraClient } from '../../integrations/outbound/jira/client.js';
import { postmortemRoutes, reportRoutes } from '../../http/routes/postmortems.js';
import type { VigilModule } from '../modules.js';

export { REPORT_DRAFT_JOB } from '../../core/shared/jobs.js';

export function postmortemsModule(config: VigilConfig, sources: ReportSources = {}): VigilModule {
  const jira = config.jira.baseUrl && config.jira.email && config.jira.apiToken ? new JiraClient({ baseUrl: config.jira.baseUrl, email: config.jira.email, apiToken: config.jira.apiToken }) : undefined;
  return {
    name: 'postmortems',
    routes: [postmortemRoutes, reportRoutes(sources)],
    subscriptions: { 'shift.started': [REPORT_DRAFT_JOB] },
    jobHandlers: ({ core }) => ({
      [POSTMORTEM_JOB]: async (job) =>
        void (await core.uow.run(async (r) => {
          const pm = await postmortemIfRequired(r, job.payload.incidentId, core.clock.now());
          if (pm) await core.publish(r, 'postmortem.changed', { entityType: 'postmortem', entityId: pm.id }, `${pm.id}:${pm.updatedAt}:`);
        })),
      [POSTMORTEM_REMINDER_JOB]: async (job) => core.uow.run((r) => remindOverdue(r, job.payload.postmortemId, core.clock.now(), config.publicUrl)),
      [REPORT_DRAFT_JOB]: async (job) => {
        const p = job.payload;
        await core.uow.run((r) => createDraft(r, p, core.clock.now()));
      },
      [REPORT_REMINDER_JOB]: async (job) => core.uow.run((r) => remindReport(r, job.payload.reportId, core.clock.now(), config.publicUrl)),
      // An action item becomes a Jira ticket (idempotent: a ticket is created once).
      [ACTION_ITEM_TICKET_JOB]: async (job) => {
        if (!jira) {
          await core.uow.run(async (r) => {
            const item = await r.postmortems.findActionItem(job.payload.actionItemId);
            if (item) await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.ticket_failed', actor: SYSTEM_ACTOR, data: { actionItemId: item.id, error: 'Jira is not configured (VIGIL_JIRA_BASE_URL...).' } });
          });
          return;
        }
        const ctx = await core.uow.run(async (r) => {
          const item = await r.postmortems.findActionItem(job.payload.actionItemId);
          if (!item || item.jiraKey) return undefined;
          const pm = await r.postmortems.find(item.postmortemId);
          const owner = await r.users.findById(item.ownerId);
          return { item, pm, owner };
        });
        if (!ctx) return;
        const assignee = ctx.owner ? await jira.findUserByEmail(ctx.owner.email).catch(() => null) : null;
        const created = await jira.createIssue({
          projectKey: config.jira.actionItemProject,
          issueType: 'Task',
          summary: ctx.item.title,
          description: `Action item from the post-mortem "${ctx.pm?.title ?? ''}".\n${config.publicUrl}/postmortems/${ctx.item.postmortemId}`,
          labels: ['postmortem', 'vigil'],
          ...(assignee ? { assigneeAccountId: assignee.accountId } : {}),
        });
        await core.uow.run(async (r) => {
          const item = await r.postmortems.findActionItem(ctx.item.id);
          if (!item || item.jiraKey) return;
          await r.postmortems.updateActionItem({ ...item, jiraKey: created.key, jiraUrl: created.url, jiraStatus: 'To Do', updatedAt: core.clock.now() });
          await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.ticket_created', actor: SYSTEM_ACTOR, data: { actionItemId: item.id, key: created.key, url: created.url } });
        });
      },
    }),
    // Follow Jira tickets back: a ticket that is done closes its action item.
    reconcilers: ({ core }) => [
      async () => {
        if (!jira) return;
        const items = await core.uow.run((r) => r.postmortems.openActionItemsWithTickets());
        for (const item of items) {
          const issue = await jira.getIssue(item.jiraKey!).catch(() => undefined);
          if (!issue) continue;
          const done = issue.statusCategory === 'done';
          if (issue.status === item.jiraStatus && !done) continue;
          await core.uow.run(async (r) => {
            await r.postmortems.updateActionItem({ ...item, jiraStatus: issue.status, status: done ? 'done' : item.status, updatedAt: core.clock.now() });
            if (done) await r.events.append({ entityType: 'postmortem', entityId: item.postmortemId, type: 'action_item.done_in_jira', actor: SYSTEM_ACTOR, data: { actionItemId: item.id, key: item.jiraKey } });
          });
        }
      },
    ],
  };
}
