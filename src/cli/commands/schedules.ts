/**
 * `vigil oncall`, `vigil schedules`, `vigil shifts`, `vigil override`, `vigil swaps`, `vigil availability`.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { printTable } from '../output.js';

type UserRef = { id: string; name: string; email: string };
type OnCall = {
  schedule: { slug: string; name: string; timeZone: string };
  onCall: Array<{ user?: UserRef; userId: string; until: number; layerName?: string | null }>;
  next: Array<{ user?: UserRef; userId: string; start: number }>;
  gap: boolean;
};

const fmt = (ms: number, zone?: string): string =>
  new Date(ms).toLocaleString('en-GB', { timeZone: zone ?? 'UTC', weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

const who = (u: { user?: UserRef; userId: string }) => u.user?.name ?? u.userId;

const json = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

export function registerScheduleCommands(program: Command, client: () => ApiClient): void {
  program
    .command('oncall [schedule]')
    .description('Who is on call now, and next (every schedule, or one by slug)')
    .option('--team <team>', 'only the schedules of this team')
    .option('--json', 'print JSON')
    .action(async (schedule: string | undefined, opts: { team?: string; json?: boolean }) => {
      const list: OnCall[] = schedule
        ? [await client().get<OnCall>(`/api/v1/schedules/${encodeURIComponent(schedule)}/oncall`)]
        : (await client().get<{ data: OnCall[] }>(`/api/v1/oncall${opts.team ? `?team=${encodeURIComponent(opts.team)}` : ''}`)).data;
      if (opts.json) return json(list);
      printTable(
        list.map((o) => ({
          schedule: o.schedule.slug,
          'on call': o.gap ? '(nobody: gap)' : o.onCall.map(who).join(', '),
          until: o.onCall[0] ? fmt(o.onCall[0].until, o.schedule.timeZone) : '',
          next: o.next.map(who).join(', '),
          from: o.next[0] ? fmt(o.next[0].start, o.schedule.timeZone) : '',
        })),
        ['schedule', 'on call', 'until', 'next', 'from'],
      );
    });

  const schedules = program.command('schedules').description('List and inspect schedules');
  schedules
    .command('list', { isDefault: true })
    .description('List schedules')
    .option('--team <team>')
    .option('--json', 'print JSON')
    .action(async (opts: { team?: string; json?: boolean }) => {
      const { data } = await client().get<{ data: Array<{ slug: string; name: string; timeZone: string; layers: unknown[] }> }>(`/api/v1/schedules${opts.team ? `?team=${encodeURIComponent(opts.team)}` : ''}`);
      if (opts.json) return json(data);
      printTable(data.map((s) => ({ ...s, layers: s.layers.length })), ['slug', 'name', 'timeZone', 'layers']);
    });
  schedules
    .command('shifts <schedule>')
    .description('The final schedule: who is on call when (default: the next 7 days)')
    .option('--from <time>', 'ISO 8601 or epoch ms')
    .option('--to <time>', 'ISO 8601 or epoch ms')
    .option('--json', 'print JSON')
    .action(async (schedule: string, opts: { from?: string; to?: string; json?: boolean }) => {
      const q = new URLSearchParams({ ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });
      const r = await client().get<{ schedule: { timeZone: string }; final: Array<{ user?: UserRef; userId: string; start: number; end: number; source: string }>; gaps: Array<{ start: number; end: number }> }>(
        `/api/v1/schedules/${encodeURIComponent(schedule)}/shifts?${q}`,
      );
      if (opts.json) return json(r);
      const zone = r.schedule.timeZone;
      const rows = [
        ...r.final.map((s) => ({ from: fmt(s.start, zone), to: fmt(s.end, zone), who: who(s), source: s.source, at: s.start })),
        ...r.gaps.map((g) => ({ from: fmt(g.start, zone), to: fmt(g.end, zone), who: '(gap: nobody on call)', source: 'gap', at: g.start })),
      ].sort((a, b) => a.at - b.at);
      printTable(rows, ['from', 'to', 'who', 'source']);
    });

  program
    .command('shifts')
    .description('Your upcoming shifts (or another user’s) across all schedules')
    .option('--user <user>', 'user id or email', 'me')
    .option('--days <days>', 'how far ahead', '30')
    .option('--json', 'print JSON')
    .action(async (opts: { user: string; days: string; json?: boolean }) => {
      const now = Date.now();
      const to = now + Number(opts.days) * 86_400_000;
      const { data } = await client().get<{ data: Array<{ scheduleName: string; start: number; end: number; source: string }> }>(`/api/v1/users/${encodeURIComponent(opts.user)}/shifts?from=${now}&to=${to}`);
      if (opts.json) return json(data);
      printTable(
        data.map((s) => ({ schedule: s.scheduleName, from: fmt(s.start), to: fmt(s.end), source: s.source })),
        ['schedule', 'from', 'to', 'source'],
      );
    });

  const override = program.command('override').description('Add or remove schedule overrides');
  override
    .command('add <schedule>')
    .description('Someone covers a time range (optionally only for one person)')
    .requiredOption('--user <user>', 'who covers (id or email)')
    .requiredOption('--from <time>', 'start, ISO 8601 (e.g. 2027-01-06T09:00:00+01:00)')
    .requiredOption('--to <time>', 'end, ISO 8601')
    .option('--replaces <user>', 'only replace this person')
    .option('--layer <layer>', "only replace this layer's person (layer name or id), where that layer is on call")
    .option('--reason <text>')
    .action(async (schedule: string, opts: { user: string; from: string; to: string; replaces?: string; layer?: string; reason?: string }) => {
      const o = await client().post<{ id: string }>(`/api/v1/schedules/${encodeURIComponent(schedule)}/overrides`, {
        userId: opts.user,
        start: opts.from,
        end: opts.to,
        ...(opts.replaces ? { replacesUserId: opts.replaces } : {}),
        ...(opts.layer ? { layerId: opts.layer } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      process.stdout.write(`Override ${o.id} added.\n`);
    });
  override
    .command('remove <schedule> <overrideId>')
    .description('Remove an override')
    .action(async (schedule: string, id: string) => {
      await client().delete(`/api/v1/schedules/${encodeURIComponent(schedule)}/overrides/${encodeURIComponent(id)}`);
      process.stdout.write(`Override ${id} removed.\n`);
    });

  const swaps = program.command('swaps').description('Give away a shift, or take one');
  swaps
    .command('list', { isDefault: true })
    .description('Open swap requests')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { data } = await client().get<{ data: Array<{ id: string; scheduleId: string; requesterId: string; start: number; end: number; note: string }> }>('/api/v1/swaps');
      if (opts.json) return json(data);
      printTable(
        data.map((s) => ({ id: s.id, from: fmt(s.start), to: fmt(s.end), note: s.note })),
        ['id', 'from', 'to', 'note'],
      );
    });
  swaps
    .command('request <schedule>')
    .description('Offer one of your shifts (or part of it)')
    .requiredOption('--from <time>')
    .requiredOption('--to <time>')
    .option('--note <text>')
    .action(async (schedule: string, opts: { from: string; to: string; note?: string }) => {
      const s = await client().post<{ id: string }>(`/api/v1/schedules/${encodeURIComponent(schedule)}/swaps`, { start: opts.from, end: opts.to, ...(opts.note ? { note: opts.note } : {}) });
      process.stdout.write(`Swap request ${s.id} is open.\n`);
    });
  swaps
    .command('accept <id>')
    .description('Take an offered shift')
    .action(async (id: string) => {
      await client().post(`/api/v1/swaps/${encodeURIComponent(id)}/accept`, {});
      process.stdout.write(`You took it: the shift is yours (as an override).\n`);
    });
  swaps
    .command('cancel <id>')
    .description('Withdraw your swap request')
    .action(async (id: string) => {
      await client().post(`/api/v1/swaps/${encodeURIComponent(id)}/cancel`, {});
      process.stdout.write(`Swap request ${id} cancelled.\n`);
    });
}

export function registerAvailabilityCommands(program: Command, client: () => ApiClient): void {
  program
    .command('availability')
    .description('The sprint check: on-call hours per engineer in the sprint window, and Jira sprint conflicts when Jira is on')
    .requiredOption('--team <team>', 'team slug or id')
    .option('--from <time>', "window start (ISO 8601); default: the team's active Jira sprint, else now")
    .option('--to <time>', 'window end (ISO 8601); default: the sprint end, else 14 days after --from')
    .option('--max-hours <hours>', 'engineers with more on-call hours than this are not allocatable (default 0)')
    .option('--conflicts', 'kept for scripts: conflicts are always listed when Jira is on')
    .option('--json', 'print JSON')
    .action(async (opts: { team: string; from?: string; to?: string; maxHours?: string; conflicts?: boolean; json?: boolean }) => {
      const q = new URLSearchParams({ team: opts.team });
      if (opts.from || opts.to) {
        const from = opts.from ?? new Date().toISOString();
        q.set('from', from);
        q.set('to', opts.to ?? new Date(Date.parse(from) + 14 * 86_400_000).toISOString());
      }
      if (opts.maxHours) q.set('maxOnCallHours', opts.maxHours);
      type Check = {
        team: { name: string };
        from: number;
        to: number;
        window: string;
        jira: { enabled: boolean; note: string | null };
        engineers: Array<{ name: string; email: string; onCallHours: number; allocatable: boolean }>;
        sprints: Array<{ name: string; state: string }>;
        conflicts: Array<{ issue: { key: string; summary: string }; user: { name: string }; sprint: { name: string }; onCallHours: number }>;
      };
      const check = await client().get<Check>(`/api/v1/availability/sprint?${q.toString()}`);
      if (opts.json) return json(check);
      const windowWord = check.window === 'jira_sprint' ? ' (the Jira sprint)' : check.window === 'default' ? ' (the next 14 days)' : '';
      process.stdout.write(`${check.team.name}: ${fmt(check.from)} – ${fmt(check.to)}${windowWord}\n`);
      process.stdout.write(check.jira.enabled ? `Jira: on (sprints: ${check.sprints.map((s) => `${s.name} [${s.state}]`).join(', ') || 'none'})\n\n` : `${check.jira.note ?? 'Jira: off.'}\n\n`);
      printTable(
        check.engineers.map((m) => ({ engineer: m.name, 'on-call hours': m.onCallHours.toFixed(1), allocatable: m.allocatable ? 'yes' : 'no (on call)' })),
        ['engineer', 'on-call hours', 'allocatable'],
      );
      if (check.jira.enabled) {
        process.stdout.write(`\nSprint conflicts (${check.conflicts.length}):\n`);
        if (check.conflicts.length)
          printTable(
            check.conflicts.map((c) => ({ issue: c.issue.key, summary: c.issue.summary, assignee: c.user.name, sprint: c.sprint.name, 'on-call hours': c.onCallHours.toFixed(1) })),
            ['issue', 'summary', 'assignee', 'sprint', 'on-call hours'],
          );
      }
    });
}
