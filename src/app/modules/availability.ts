/**
 * Sprint availability, with Jira Software boards as the source of sprints when configured.
 */
import type { VigilConfig } from '../../config/config.js';
import type { SprintSource } from '../../core/availability/availability.js';
import { JiraClient } from '../../integrations/outbound/jira/client.js';
import { availabilityRoutes } from '../../http/routes/availability.js';
import type { VigilModule } from '../modules.js';

export function jiraSprintSource(config: VigilConfig): SprintSource | undefined {
  const { baseUrl, email, apiToken } = config.jira;
  if (!baseUrl || !email || !apiToken) return undefined;
  const jira = new JiraClient({ baseUrl, email, apiToken });
  return {
    async sprints(boardId) {
      return (await jira.listSprints(boardId, ['active', 'future'])).map((s) => ({ id: s.id, name: s.name, state: s.state, startDate: s.start ?? Number.NaN, endDate: s.end ?? Number.NaN }));
    },
    async issues(sprintId) {
      return (await jira.sprintIssues(Number(sprintId))).map((i) => ({
        key: i.key,
        summary: i.summary,
        url: i.url,
        assignee: i.assignee ? { accountId: i.assignee.accountId, email: i.assignee.emailAddress ?? null, displayName: i.assignee.displayName } : null,
      }));
    },
  };
}

export function availabilityModule(config: VigilConfig, source: SprintSource | undefined = jiraSprintSource(config)): VigilModule {
  return { name: 'availability', routes: [availabilityRoutes(source)] };
}
