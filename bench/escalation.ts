/**
 * Escalation lateness with 10,000 open alerts: how late escalation steps start after the time they are due,
 * when the database holds 10,000 open alerts, each with its next escalation step pending.
 *
 *   node --import tsx bench/escalation.ts [--alerts=10000] [--due=2000] [--window=20] [--burst=500] [--sqlite-only]
 *
 * Vigil runs in-process (real clock, real engine, default concurrency 16) on SQLite and, when reachable,
 * PostgreSQL. The alerts and their step jobs are written directly through the app's unit of work (the fast
 * path: the same rows and jobs `ingest` writes, without paging everyone at creation). Of the ALERTS steps,
 * DUE fall due evenly over WINDOW seconds (a steady DUE/WINDOW steps per second), BURST more all at the same
 * instant after that, and the rest an hour later (pending rows the engine must not trip over). Each step is
 * the real `alert.escalate` job: it resolves the step's target (an on-call schedule), pages the person on
 * call (who has no contact method, so no message is sent: deliveries are measured by notify-latency.ts and
 * outbox.ts) and records the escalation. Lateness = handler start (Date.now()) − the job's run_at, taken by
 * wrapping the module's job handler. Writes bench/results/escalation.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVigil, type Vigil } from '../src/app/vigil.js';
import { defaultModules } from '../src/app/registry.js';
import { loadConfig } from '../src/config/config.js';
import { ESCALATE_JOB } from '../src/core/alerts/alerts.js';
import type { Alert } from '../src/core/alerts/model.js';
import { newId } from '../src/core/shared/ids.js';
import type { KindHandlers } from '../src/engine/types.js';
import { createTestDatabaseUrl, PG_ADMIN_URL, postgresAvailable, type DialectName } from '../test/helpers/databases.js';

const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ALERTS = arg('alerts', 10_000);
const DUE = arg('due', 2000);
const WINDOW_S = arg('window', 20);
const BURST = arg('burst', 500);
const TARGET_P99_MS = 1000;
const TOKEN = 'vgl_bench_bootstrap_token_0123456789';
const BATCH = 500;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Sample {
  alertId: string;
  lateMs: number;
  durationMs: number;
}

interface Row {
  setup: string;
  steady: Sample[];
  burst: Sample[];
  seconds: { insert: number; enqueue: number };
  openAlerts: number;
  pendingJobs: number;
}

async function runOnce(dialect: DialectName): Promise<Row> {
  const db = await createTestDatabaseUrl(dialect);
  const config = loadConfig({ env: {}, overrides: { databaseUrl: db.url, port: 0, host: '127.0.0.1', bootstrapToken: TOKEN, logLevel: 'silent' } });
  const started = new Map<string, Sample>();
  // The alerts module's escalation handler, timed: lateness at start, duration at the end.
  const modules = defaultModules(config).map((m) =>
    m.jobHandlers
      ? {
          ...m,
          jobHandlers: (ctx: Parameters<NonNullable<typeof m.jobHandlers>>[0]): KindHandlers => {
            const handlers = m.jobHandlers!(ctx);
            const escalate = handlers[ESCALATE_JOB];
            if (!escalate) return handlers;
            return {
              ...handlers,
              [ESCALATE_JOB]: async (job, signal) => {
                const t = Date.now();
                const alertId = String(job.payload.alertId);
                try {
                  return await escalate(job, signal);
                } finally {
                  if (job.payload.step === 1 && !started.has(alertId)) started.set(alertId, { alertId, lateMs: t - job.runAt, durationMs: Date.now() - t });
                }
              },
            };
          },
        }
      : m,
  );
  let vigil: Vigil | undefined;
  try {
    vigil = await createVigil({ config, logger: false, modules, passwordCost: 1 << 10 });
    await vigil.start();
    const v = vigil;
    const api = async (method: 'POST', url: string, payload: unknown) => {
      const res = await v.http.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, payload: payload as Record<string, unknown> });
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const oncall = await api('POST', '/api/v1/users', { name: 'On call', email: 'oncall@example.com', role: 'responder' });
    const lead = await api('POST', '/api/v1/users', { name: 'Lead', email: 'lead@example.com', role: 'responder' });
    await api('POST', '/api/v1/teams', { name: 'Esc bench', slug: 'esc', leadUserId: lead.id, memberIds: [oncall.id, lead.id] });
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await api('POST', '/api/v1/schedules', {
      name: 'Esc primary',
      slug: 'esc-primary',
      teamId: 'esc',
      timeZone: 'Europe/London',
      layers: [{ name: 'Weekly', participants: [oncall.id, lead.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }],
    });
    await api('POST', '/api/v1/escalation-policies', {
      name: 'Esc policy',
      slug: 'esc-policy',
      teamId: 'esc',
      repeat: 0,
      steps: [
        { delayMinutes: 5, targets: [{ type: 'user', id: 'lead@example.com' }] },
        { delayMinutes: 5, targets: [{ type: 'schedule', id: 'esc-primary' }] },
      ],
    });
    const service = await api('POST', '/api/v1/services', {
      name: 'Esc service',
      slug: 'esc-svc',
      teamId: 'esc',
      escalationPolicyId: 'esc-policy',
      stormThreshold: 10000,
    });

    // 10,000 open alerts, as `ingest` stores them (without their timeline and first page, which do not matter here).
    const t0 = Date.now();
    const ids: string[] = [];
    for (let b = 0; b < ALERTS; b += BATCH) {
      await v.core.uow.run(async (r) => {
        for (let i = b; i < Math.min(ALERTS, b + BATCH); i++) {
          const now = Date.now();
          const alert: Alert = {
            id: newId(now),
            number: await r.alerts.nextAlertNumber(),
            serviceId: service.id,
            integrationId: null,
            alias: `esc-${i}`,
            status: 'open',
            message: `Escalation bench alert ${i}`,
            description: 'Disk usage above 90% on db-1',
            priority: 'P2',
            urgency: 'high',
            source: 'bench',
            entity: `host-${i % 100}`,
            tags: ['bench'],
            details: { host: `host-${i % 100}` },
            links: [],
            count: 1,
            firstAt: now,
            lastAt: now,
            acknowledgedAt: null,
            acknowledgedBy: null,
            closedAt: null,
            closedBy: null,
            snoozedUntil: null,
            ownerId: null,
            storm: false,
            incidentId: null,
            createdAt: now,
            updatedAt: now,
          };
          await r.alerts.insertAlert(alert);
          ids.push(alert.id);
        }
      });
    }
    const insertSeconds = (Date.now() - t0) / 1000;

    // Their next step (step 2 of the policy): the later ones first (an hour away), then DUE spread over the
    // window and BURST at one instant, starting as soon as they are all written.
    const enqueue = async (from: number, to: number, runAtOf: (i: number) => number) => {
      for (let b = from; b < to; b += BATCH) {
        await v.core.uow.run(async (r) => {
          for (let i = b; i < Math.min(to, b + BATCH); i++) {
            const runAt = runAtOf(i);
            await r.jobs.enqueue({ kind: ESCALATE_JOB, payload: { alertId: ids[i]!, step: 1, round: 0 }, runAt, dedupeKey: `esc:${ids[i]!}:1:0:${runAt}` });
          }
        });
      }
    };
    const measured = Math.min(ALERTS, DUE + BURST);
    const t1 = Date.now();
    await enqueue(measured, ALERTS, () => t1 + 3_600_000);
    const perJobMs = (Date.now() - t1) / Math.max(1, ALERTS - measured);
    const firstDue = Date.now() + 2000 + Math.ceil(perJobMs * measured * 2);
    const burstAt = firstDue + WINDOW_S * 1000 + 2000;
    await enqueue(0, measured, (i) => (i < DUE ? firstDue + Math.floor((i * WINDOW_S * 1000) / DUE) : burstAt));
    const enqueueSeconds = (Date.now() - t1) / 1000;
    if (Date.now() > firstDue - 500) throw new Error('bench: set-up ran past the first due time');
    const counts = await v.core.uow.run(async (r) => ({ open: (await r.alerts.listAlerts({ status: 'open', limit: 1 })).total }));
    const stats = await v.engine.stats();

    // Wait for the steady and burst steps to run.
    const deadline = burstAt + 60_000;
    while (started.size < measured && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const steady: Sample[] = [];
    const burst: Sample[] = [];
    ids.forEach((id, i) => {
      const s = started.get(id);
      if (s && i < DUE) steady.push(s);
      else if (s && i < DUE + BURST) burst.push(s);
    });
    return {
      setup: dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      steady,
      burst,
      seconds: { insert: insertSeconds, enqueue: enqueueSeconds },
      openAlerts: counts.open,
      pendingJobs: stats.pending,
    };
  } finally {
    await vigil?.stop();
    await db.dispose();
  }
}

async function main(): Promise<string> {
  const loadBefore = loadavg()[0]!;
  const pg = !process.argv.includes('--sqlite-only') && (await postgresAvailable());
  const rows: Row[] = [await runOnce('sqlite')];
  if (pg) rows.push(await runOnce('postgres'));
  const ms = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(0));
  const line = (r: Row, name: string, samples: Sample[], expected: number) => {
    const late = samples.map((s) => s.lateMs).sort((a, b) => a - b);
    const dur = samples.map((s) => s.durationMs).sort((a, b) => a - b);
    return `| ${r.setup} | ${name} | ${samples.length} / ${expected} | ${ms(percentile(late, 50))} | ${ms(percentile(late, 99))} | ${ms(late.at(-1) ?? Number.NaN)} | ${ms(percentile(dur, 50))} / ${ms(percentile(dur, 99))} |`;
  };
  const steadyP99 = rows.map((r) =>
    percentile(
      r.steady.map((s) => s.lateMs).sort((a, b) => a - b),
      99,
    ),
  );
  return [
    '# Escalation lateness benchmark',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; Vigil in-process (real clock, engine concurrency 16); SQLite (WAL, file in tmp)${pg ? ` and PostgreSQL at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}` : '; PostgreSQL not reachable: skipped'}`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)} (the machine is shared)`,
    '- Command: `node --import tsx bench/escalation.ts`',
    '',
    '## Method',
    '',
    `${ALERTS.toLocaleString('en')} open alerts on one service, each with its next escalation step pending as an \`alert.escalate\` job`,
    `(step 2 of a two-step policy; the step pages whoever is on call on a weekly schedule). ${DUE} steps fall due evenly over`,
    `${WINDOW_S} s (${(DUE / WINDOW_S).toFixed(0)} steps/s, "steady"), then ${BURST} at the same instant ("burst"), and the other`,
    `${Math.max(0, ALERTS - DUE - BURST).toLocaleString('en')} an hour later. Alerts and jobs are written directly through the unit of work`,
    "before the first step is due. Lateness = the step handler's start (Date.now()) − the job's run_at; duration = the",
    "handler's run (one transaction: target resolution, page, timeline). The on-call person has no contact method, so",
    'no message leaves: delivery is measured by notify-latency.ts and outbox.ts.',
    '',
    '## Results (ms)',
    '',
    '| Database | Steps | Ran | p50 late | p99 late | max late | Handler p50 / p99 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.flatMap((r) => [line(r, `steady, ${(DUE / WINDOW_S).toFixed(0)}/s`, r.steady, DUE), line(r, `burst of ${BURST} at once`, r.burst, BURST)]),
    '',
    `**Target p99 < ${TARGET_P99_MS} ms (steady steps): ${rows.map((r, i) => `${r.setup} ${steadyP99[i]! < TARGET_P99_MS ? 'met' : 'NOT met'} (${ms(steadyP99[i]!)} ms)`).join(', ')}.** A burst's lateness is`,
    'its drain time: the last of N steps due at once waits for the N − 1 before it.',
    '',
    ...rows.map(
      (r) =>
        `- ${r.setup}: ${r.openAlerts} open alerts and ${r.pendingJobs} pending jobs when the first step fell due; inserting the alerts took ${r.seconds.insert.toFixed(1)} s, enqueuing the steps ${r.seconds.enqueue.toFixed(1)} s.`,
    ),
    '',
  ].join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const startedAt = Date.now();
  const report = await main();
  const out = fileURLToPath(new URL('./results/escalation.md', import.meta.url));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${report}\n`);
  process.stdout.write(`${report}\n(wrote ${out} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)\n`);
}
