/**
 * Post-mortems and shift reports, wired: drafts at resolution and at shift start, Jira tickets for
 * action items (their status followed back), reminders, routes.
 */
import { REPORT_DRAFT_JOB } from '../../core/shared/jobs.js';
import type { VigilConfig } from '../../config/config.js';
import { POSTMORTEM_JOB } from '../../core/incidents/incidents.js';
import { ACTION_ITEM_TICKET_JOB, POSTMORTEM_REMINDER_JOB } from '../../core/postmortems/postmortems.js';
import { actionItemForTicket, actionItemsWithTickets, actionItemTicketCreated, actionItemTicketFailed, draftRequiredPostmortem, followTicket, remindOverdue } from '../../core/postmortems/use-cases.js';
import { REPORT_REMINDER_JOB, type ReportSources } from '../../core/reports/reports.js';
import { draftShiftReport, remindShiftReport } from '../../core/reports/use-cases.js';
import { systemCtx } from '../../core/shared/context.js';
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
      [POSTMORTEM_JOB]: async (job) => void (await draftRequiredPostmortem(core, systemCtx(core.clock.now(), config.publicUrl), { incidentId: String(job.payload.incidentId) })),
      [POSTMORTEM_REMINDER_JOB]: async (job) => remindOverdue(core, systemCtx(core.clock.now(), config.publicUrl), { postmortemId: String(job.payload.postmortemId) }),
      [REPORT_DRAFT_JOB]: async (job) => {
        const p = job.payload;
        await draftShiftReport(core, systemCtx(core.clock.now(), config.publicUrl), p);
      },
      [REPORT_REMINDER_JOB]: async (job) => remindShiftReport(core, systemCtx(core.clock.now(), config.publicUrl), { reportId: String(job.payload.reportId) }),
      // An action item becomes a Jira ticket (idempotent: a ticket is created once).
      [ACTION_ITEM_TICKET_JOB]: async (job) => {
        const actionItemId = String(job.payload.actionItemId);
        if (!jira) return actionItemTicketFailed(core, systemCtx(core.clock.now(), config.publicUrl), { actionItemId, error: 'Jira is not configured (VIGIL_JIRA_BASE_URL...).' });
        const found = await actionItemForTicket(core, systemCtx(core.clock.now(), config.publicUrl), { actionItemId });
        if (!found) return;
        const assignee = found.ownerEmail ? await jira.findUserByEmail(found.ownerEmail).catch(() => null) : null;
        const created = await jira.createIssue({
          projectKey: config.jira.actionItemProject,
          issueType: 'Task',
          summary: found.item.title,
          description: `Action item from the post-mortem "${found.postmortemTitle}".\n${config.publicUrl}/postmortems/${found.item.postmortemId}`,
          labels: ['postmortem', 'vigil'],
          ...(assignee ? { assigneeAccountId: assignee.accountId } : {}),
        });
        await actionItemTicketCreated(core, systemCtx(core.clock.now(), config.publicUrl), { actionItemId, key: created.key, url: created.url });
      },
    }),
    // Follow Jira tickets back: a ticket that is done closes its action item.
    reconcilers: ({ core }) => [
      async () => {
        if (!jira) return;
        for (const item of await actionItemsWithTickets(core, systemCtx(core.clock.now(), config.publicUrl))) {
          const issue = await jira.getIssue(item.jiraKey!).catch(() => undefined);
          if (!issue) continue;
          await followTicket(core, systemCtx(core.clock.now(), config.publicUrl), { actionItemId: item.id, jiraStatus: issue.status, done: issue.statusCategory === 'done' });
        }
      },
    ],
  };
}
