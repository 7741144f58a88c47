/**
 * `vigil triage` (the error triage queue and its decisions) and `vigil backlog` (the
 * better-engineering backlog: list, add, pick, done, sync, suggest).
 */
import type { Command } from 'commander';
import { CliError, type ApiClient } from '../client.js';
import { printTable } from '../output.js';

type TriageItem = {
  id: string;
  number: number;
  shortId: string | null;
  title: string;
  level: string;
  events: number;
  usersAffected: number;
  lastSeen: number;
  regression: boolean;
  state: string;
  decision: string | null;
  jiraKey: string | null;
  webUrl: string | null;
};
type Task = {
  id: string;
  reference: string;
  title: string;
  priority: string;
  status: string;
  assigneeId: string | null;
  source: string;
  doneAt: number | null;
};

const json = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};
const ago = (ms: number): string => {
  const m = Math.round((Date.now() - ms) / 60_000);
  return m < 60 ? `${m}m ago` : m < 2880 ? `${Math.round(m / 60)}h ago` : `${Math.round(m / 1440)}d ago`;
};
const enc = encodeURIComponent;

export function registerTriageCommands(program: Command, client: () => ApiClient): void {
  const triage = program.command('triage').description('The error triage queue (Sentry issues waiting for a decision)');
  triage
    .command('list', { isDefault: true })
    .description('The queue, with the team’s “bug or incident?” guidance')
    .option('--state <state>', 'open (default), decided, closed or all')
    .option('--service <service>', 'only this service')
    .option('--json', 'print JSON')
    .action(async (opts: { state?: string; service?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(opts.state ? { state: opts.state } : {}), ...(opts.service ? { service: opts.service } : {}) });
      const res = await client().get<{ guidance: string; data: TriageItem[] }>(`/api/v1/triage?${q}`);
      if (opts.json) return json(res);
      process.stdout.write(`Bug or incident? ${res.guidance}\n\n`);
      printTable(
        res.data.map((i) => ({
          '#': i.number,
          sentry: i.shortId ?? '',
          title: `${i.regression ? '[REGRESSION] ' : ''}${i.title}`.slice(0, 70),
          level: i.level,
          events: i.events,
          users: i.usersAffected,
          'last seen': ago(i.lastSeen),
          decision: i.decision ?? '',
        })),
        ['#', 'sentry', 'title', 'level', 'events', 'users', 'last seen', 'decision'],
      );
    });
  triage
    .command('show <item>')
    .description('One item (number or id) with its timeline')
    .action(async (item: string) => json(await client().get(`/api/v1/triage/${enc(item)}`)));
  triage
    .command('incident <item>')
    .description('Decide: an incident (declared from the error, or --link to an open one)')
    .option('--severity <key>', 'severity of the new incident (default from the error level)')
    .option('--link <incident>', 'link to this open incident instead (INC-42 or id)')
    .action(async (item: string, opts: { severity?: string; link?: string }) => {
      const res = await client().post<{ incident: { reference: string; severity: string; title: string } }>(`/api/v1/triage/${enc(item)}/incident`, {
        ...(opts.severity ? { severity: opts.severity } : {}),
        ...(opts.link ? { incidentId: opts.link } : {}),
      });
      process.stdout.write(`${opts.link ? 'Linked to' : 'Declared'} ${res.incident.reference} [${res.incident.severity}] ${res.incident.title}\n`);
    });
  triage
    .command('bug <item>')
    .description('Decide: a bug (a Jira ticket with the error’s details)')
    .action(async (item: string) => {
      const res = await client().post<{ ticket: { key: string; url: string } }>(`/api/v1/triage/${enc(item)}/bug`, {});
      process.stdout.write(`Filed ${res.ticket.key} ${res.ticket.url}\n`);
    });
  triage
    .command('fixing <item>')
    .description('Decide: “I am fixing it” (assigned to you, here and in Sentry)')
    .action(async (item: string) => {
      const res = await client().post<TriageItem>(`/api/v1/triage/${enc(item)}/fixing`, {});
      process.stdout.write(`#${res.number} is yours.\n`);
    });
  for (const action of ['ignore', 'resolve'] as const) {
    triage
      .command(`${action} <item>`)
      .description(`Decide: noise (${action} it, here and in Sentry)`)
      .option('--for <minutes>', 'ignore for this many minutes only')
      .action(async (item: string, opts: { for?: string }) => {
        const minutes = opts.for ? Number(opts.for) : undefined;
        if (minutes !== undefined && !Number.isInteger(minutes)) throw new CliError('--for takes a whole number of minutes.');
        const res = await client().post<TriageItem>(`/api/v1/triage/${enc(item)}/noise`, { action, ...(minutes ? { ignoreDurationMinutes: minutes } : {}) });
        process.stdout.write(`#${res.number} ${action === 'ignore' ? 'ignored' : 'resolved'}.\n`);
      });
  }
}

export function registerBacklogCommands(program: Command, client: () => ApiClient): void {
  const backlog = program.command('backlog').description('The better-engineering backlog (local tasks and Jira)');
  backlog
    .command('list', { isDefault: true })
    .description('Tasks not done yet, highest priority first')
    .option('--status <status>', 'todo, in_progress, done, open (default) or all')
    .option('--team <team>')
    .option('--mine', 'only tasks assigned to me')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; team?: string; mine?: boolean; json?: boolean }) => {
      const q = new URLSearchParams({
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.team ? { team: opts.team } : {}),
        ...(opts.mine ? { assignee: 'me' } : {}),
      });
      const res = await client().get<{ data: Task[] }>(`/api/v1/backlog?${q}`);
      if (opts.json) return json(res.data);
      printTable(
        res.data.map((t) => ({ ref: t.reference, title: t.title.slice(0, 70), priority: t.priority, status: t.status, source: t.source })),
        ['ref', 'title', 'priority', 'status', 'source'],
      );
    });
  backlog
    .command('add <title...>')
    .description('Add a local task')
    .option('--priority <p>', 'highest, high, medium (default), low, lowest')
    .option('--team <team>')
    .option('--description <text>')
    .option('--label <label...>')
    .action(async (title: string[], opts: { priority?: string; team?: string; description?: string; label?: string[] }) => {
      const t = await client().post<Task>('/api/v1/backlog', {
        title: title.join(' '),
        ...(opts.priority ? { priority: opts.priority } : {}),
        ...(opts.team ? { team: opts.team } : {}),
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.label ? { labels: opts.label } : {}),
      });
      process.stdout.write(`Added ${t.reference} ${t.title}\n`);
    });
  backlog
    .command('pick <task>')
    .description('Pick a task (BE-12, a Jira key or an id): assigned to you, in progress')
    .action(async (task: string) => {
      const t = await client().post<Task>(`/api/v1/backlog/${enc(task)}/pick`, {});
      process.stdout.write(`You picked ${t.reference} ${t.title}\n`);
    });
  backlog
    .command('done <task>')
    .description('Mark a task done (a Jira task moves to Done in Jira)')
    .action(async (task: string) => {
      const t = await client().post<Task>(`/api/v1/backlog/${enc(task)}/done`, {});
      process.stdout.write(`Done: ${t.reference} ${t.title}\n`);
    });
  backlog
    .command('sync')
    .description('Read the backlog from Jira now')
    .action(async () => {
      const r = await client().post<{ total: number; created: number; updated: number; archived: number }>('/api/v1/backlog/sync', {});
      process.stdout.write(`Jira: ${r.total} tasks (${r.created} new, ${r.updated} updated, ${r.archived} no longer in the query).\n`);
    });
  backlog
    .command('suggest')
    .description('What to work on when nothing is open for you')
    .action(async () => {
      const s = await client().get<{ busy: boolean; reasons: string[]; task: Task | null; inProgress: Task[] }>('/api/v1/backlog/suggestion');
      if (s.busy) process.stdout.write(`You have things open:\n${s.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
      else if (s.inProgress[0]) process.stdout.write(`Carry on with ${s.inProgress[0].reference} ${s.inProgress[0].title}\n`);
      else if (s.task)
        process.stdout.write(`Nothing is open for you. Suggested: ${s.task.reference} ${s.task.title} (vigil backlog pick ${s.task.reference})\n`);
      else process.stdout.write('Nothing is open for you, and the backlog is empty.\n');
    });
}
