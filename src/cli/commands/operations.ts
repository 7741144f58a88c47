/**
 * `vigil alerts`, `vigil alert ack|close|note`, `vigil incidents`, `vigil incident ...`,
 * `vigil postmortems`, `vigil reports`, `vigil severities`.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { printTable } from '../output.js';

const json = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};
const age = (ms: number): string => {
  const m = Math.round((Date.now() - ms) / 60_000);
  return m < 60 ? `${m}m` : m < 1440 ? `${Math.round(m / 60)}h` : `${Math.round(m / 1440)}d`;
};
const qs = (o: Record<string, string | undefined>) => new URLSearchParams(Object.entries(o).filter(([, v]) => v !== undefined) as Array<[string, string]>).toString();

export function registerOperationCommands(program: Command, client: () => ApiClient): void {
  program
    .command('alerts')
    .description('List alerts (default: open and acknowledged)')
    .option('--status <status>', 'open | acknowledged | closed | unclosed', 'unclosed')
    .option('--service <service>')
    .option('--priority <priority>', 'P1..P5')
    .option('-q, --query <text>', 'search the message')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (o: { status: string; service?: string; priority?: string; query?: string; limit: string; json?: boolean }) => {
      const res = await client().get<{ data: Array<{ number: number; priority: string; status: string; message: string; count: number; createdAt: number; service?: { slug: string } }>; total: number }>(
        `/api/v1/alerts?${qs({ status: o.status, service: o.service, priority: o.priority, q: o.query, limit: o.limit })}`,
      );
      if (o.json) return json(res);
      printTable(
        res.data.map((a) => ({ '#': a.number, pri: a.priority, status: a.status, service: a.service?.slug ?? '', message: a.message, count: a.count, age: age(a.createdAt) })),
        ['#', 'pri', 'status', 'service', 'message', 'count', 'age'],
      );
      if (res.total > res.data.length) process.stdout.write(`(${res.data.length} of ${res.total})\n`);
    });

  const alert = program.command('alert').description('Act on an alert (by number or id)');
  for (const [verb, path, desc] of [
    ['ack', 'acknowledge', 'Acknowledge: stop escalating'],
    ['close', 'close', 'Close (resolve)'],
  ] as const) {
    alert
      .command(`${verb} <alert>`)
      .description(desc)
      .option('--note <text>')
      .action(async (id: string, o: { note?: string }) => {
        const a = await client().post<{ number: number; status: string }>(`/api/v1/alerts/${encodeURIComponent(id.replace('#', ''))}/${path}`, o.note ? { note: o.note } : {});
        process.stdout.write(`Alert #${a.number} is ${a.status}.\n`);
      });
  }
  alert
    .command('note <alert> <text...>')
    .description('Add a note')
    .action(async (id: string, text: string[]) => {
      await client().post(`/api/v1/alerts/${encodeURIComponent(id.replace('#', ''))}/notes`, { note: text.join(' ') });
      process.stdout.write('Noted.\n');
    });
  alert
    .command('show <alert>')
    .description('An alert with its timeline')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const res = await client().get<{
        alert: { number: number; message: string; status: string; priority: string };
        timeline: Array<{ type: string; at: number; data: Record<string, unknown> }>;
        notReached?: Array<{ name: string; detail: string }>;
      }>(`/api/v1/alerts/${encodeURIComponent(id.replace('#', ''))}`);
      if (o.json) return json(res);
      process.stdout.write(`#${res.alert.number} [${res.alert.priority}] ${res.alert.message} — ${res.alert.status}\n`);
      for (const n of res.notReached ?? []) process.stdout.write(`Not reached: ${n.name} (${n.detail})\n`);
      printTable(res.timeline.map((e) => ({ at: new Date(e.at).toISOString().slice(0, 19), event: e.type, detail: JSON.stringify(e.data).slice(0, 80) })), ['at', 'event', 'detail']);
    });

  program
    .command('incidents')
    .description('List incidents (default: open)')
    .option('--status <status>', 'open | resolved | ...', 'open')
    .option('--json', 'print JSON')
    .action(async (o: { status: string; json?: boolean }) => {
      const res = await client().get<{ data: Array<{ reference: string; severity: string; status: string; title: string; createdAt: number }> }>(`/api/v1/incidents?${qs({ status: o.status })}`);
      if (o.json) return json(res.data);
      printTable(res.data.map((i) => ({ id: i.reference, sev: i.severity, status: i.status, title: i.title, age: age(i.createdAt) })), ['id', 'sev', 'status', 'title', 'age']);
    });
  const incident = program.command('incident').description('Declare and run an incident');
  incident
    .command('declare <title...>')
    .description('Declare an incident')
    .requiredOption('--severity <sev>', 'P0..P4')
    .option('--service <service...>', 'affected services')
    .option('--alert <alert...>', 'alerts to link (numbers or ids)')
    .option('--summary <text>')
    .action(async (title: string[], o: { severity: string; service?: string[]; alert?: string[]; summary?: string }) => {
      const i = await client().post<{ reference: string; severity: string }>('/api/v1/incidents', { title: title.join(' '), severity: o.severity, ...(o.service ? { serviceIds: o.service } : {}), ...(o.alert ? { alertIds: o.alert } : {}), ...(o.summary ? { summary: o.summary } : {}) });
      process.stdout.write(`${i.reference} [${i.severity}] declared.\n`);
    });
  const simple = (verb: string, desc: string, path: string, body: (args: string[]) => unknown) =>
    incident
      .command(`${verb} <incident> [args...]`)
      .description(desc)
      .action(async (id: string, args: string[]) => {
        const i = await client().post<{ reference: string; status: string; severity: string }>(`/api/v1/incidents/${encodeURIComponent(id)}/${path}`, body(args));
        process.stdout.write(`${i.reference} [${i.severity}] ${i.status}.\n`);
      });
  simple('status', 'Set the status: triage, investigating, identified, monitoring, resolved', 'status', ([s, ...why]) => ({ status: s, ...(why.length ? { reason: why.join(' ') } : {}) }));
  simple('resolve', 'Resolve (with a closing summary)', 'status', (why) => ({ status: 'resolved', ...(why.length ? { reason: why.join(' ') } : {}) }));
  simple('sev', 'Change the severity', 'severity', ([s, ...why]) => ({ severity: s, ...(why.length ? { reason: why.join(' ') } : {}) }));
  simple('update', 'Post a status update to the company and subscribers', 'updates', (t) => ({ text: t.join(' ') }));
  simple('note', 'Add a note to the timeline', 'notes', (t) => ({ note: t.join(' ') }));
  simple('lead', 'Hand the commander role to someone (email)', 'roles', ([u]) => ({ role: 'commander', userId: u }));
  simple('comms', 'Name a comms lead (email)', 'roles', ([u]) => ({ role: 'comms', userId: u }));
  simple('page', 'Page a user (email) or a team (slug): page user ann@example.com | page team database', 'page', ([type, id, ...note]) => ({ type, id, ...(note.length ? { note: note.join(' ') } : {}) }));

  program
    .command('severities')
    .description('The incident severity levels')
    .option('--markdown', 'as Markdown (for a wiki)')
    .action(async (o: { markdown?: boolean }) => {
      if (o.markdown) return void process.stdout.write(await client().get<string>('/api/v1/severities?format=markdown'));
      const res = await client().get<{ data: Array<{ key: string; name: string; ackTargetMinutes: number; responseTargetMinutes: number; companyComms: boolean; postmortemRequired: boolean }> }>('/api/v1/severities');
      printTable(
        res.data.map((s) => ({ level: s.key, name: s.name, ack: `${s.ackTargetMinutes}m`, respond: `${s.responseTargetMinutes}m`, company: s.companyComms ? 'yes' : '', postmortem: s.postmortemRequired ? 'required' : '' })),
        ['level', 'name', 'ack', 'respond', 'company', 'postmortem'],
      );
    });

  program
    .command('postmortems')
    .description('Search post-mortems')
    .option('-q, --query <text>', 'full-text search')
    .option('--severity <sev>')
    .option('--json', 'print JSON')
    .action(async (o: { query?: string; severity?: string; json?: boolean }) => {
      const res = await client().get<{ data: Array<{ id: string; title: string; status: string; severity: string; createdAt: number }> }>(`/api/v1/postmortems?${qs({ q: o.query, severity: o.severity })}`);
      if (o.json) return json(res.data);
      printTable(res.data.map((p) => ({ id: p.id, sev: p.severity, status: p.status, title: p.title })), ['id', 'sev', 'status', 'title']);
    });

  program
    .command('reports')
    .description('Shift reports (yours by default)')
    .option('--user <user>', 'email, or me', 'me')
    .option('--team <team>')
    .option('--json', 'print JSON')
    .action(async (o: { user: string; team?: string; json?: boolean }) => {
      const res = await client().get<{ data: Array<{ id: string; status: string; shiftStart: number; sentAt: number | null }> }>(`/api/v1/reports?${qs(o.team ? { team: o.team } : { user: o.user })}`);
      if (o.json) return json(res.data);
      printTable(res.data.map((r) => ({ id: r.id, shift: new Date(r.shiftStart).toISOString().slice(0, 16), status: r.status, sent: r.sentAt ? new Date(r.sentAt).toISOString().slice(0, 16) : '' })), ['id', 'shift', 'status', 'sent']);
    });
}
