/**
 * `vigil import opsgenie|pagerduty`: move a team to Vigil in one afternoon. Reads the source account,
 * maps it to a vigil.yaml document, plans (`--dry-run`) or applies it through the config API
 * (idempotent), lists what could not be carried over with reasons and what each person has to redo,
 * optionally writes the document (`--output`) and verifies every schedule hour by hour (`--verify`).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { SourceError } from '../../migrate/http.js';
import { stderrProgress } from '../../migrate/progress.js';
import { OPSGENIE_DEFAULT_URL } from '../../migrate/opsgenie/reader.js';
import { PAGERDUTY_DEFAULT_URL } from '../../migrate/pagerduty/reader.js';
import { documentYaml, opsgenieSource, pagerdutySource, runImport, type ImportOutcome, type ImportSource } from '../../migrate/run.js';
import { CliError, type ApiClient } from '../client.js';
import { printPlan } from '../output.js';

interface ImportOptions {
  apiKey?: string;
  apiToken?: string;
  apiUrl: string;
  dryRun?: boolean;
  output?: string;
  includeKeys?: boolean;
  verify?: boolean;
  weeks: string;
  from?: string;
  to?: string;
  json?: boolean;
  quiet?: boolean;
}

const write = (s: string) => process.stdout.write(s);

function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--dry-run', 'print the plan (what would be created or updated) and what cannot be imported; change nothing')
    .option('-o, --output <path>', 'also write the document as vigil.yaml (keep it in git; `vigil apply -f` it later)')
    .option('--include-keys', 'write integration keys into --output (they are secrets; left out by default)')
    .option(
      '--verify',
      'after applying, compare who is on call in Vigil and in the source at every hand-off of either side and every 15 minutes; exit 1 on any difference',
    )
    .option('--weeks <n>', 'weeks ahead to verify (the window is extended to include the next DST change of each schedule)', '4')
    .option('--from <date>', 'verify from this date or date-time (ISO 8601, e.g. 2027-03-20)')
    .option('--to <date>', 'verify until this date or date-time (exclusive)')
    .option('--json', 'print the outcome as JSON')
    .option('--quiet', 'no progress on stderr');
}

export function registerImportCommands(program: Command, client: () => ApiClient): void {
  const imp = program
    .command('import')
    .description('Move from OpsGenie or PagerDuty: import users, teams, schedules, escalation policies and services (idempotent)');

  addCommonOptions(
    imp
      .command('opsgenie')
      .description(
        'Import an OpsGenie account: users, teams, schedules (rotations, overrides), escalations, integrations (keeping their API keys), heartbeats, maintenance',
      )
      .option('--api-key <key>', 'an OpsGenie API key with read access to the configuration (default: OPSGENIE_API_KEY)')
      .option('--api-url <url>', 'the OpsGenie API (EU accounts: https://api.eu.opsgenie.com)', OPSGENIE_DEFAULT_URL),
  ).action(async (opts: ImportOptions) => {
    const key = opts.apiKey ?? process.env.OPSGENIE_API_KEY;
    if (!key) throw new CliError('give --api-key <key> (or set OPSGENIE_API_KEY): an OpsGenie API key with read access to the configuration.');
    const progress = stderrProgress(process.stderr, { quiet: !!opts.quiet });
    await runCommand(opsgenieSource(key, { apiUrl: opts.apiUrl, progress }), 'vigil import opsgenie', opts, client, progress);
  });

  addCommonOptions(
    imp
      .command('pagerduty')
      .description(
        'Import a PagerDuty account: users, teams, schedules (layers, overrides), escalation policies, services (keeping their integration keys), maintenance windows',
      )
      .option('--api-token <token>', 'a PagerDuty REST API key (read-only is enough; default: PAGERDUTY_API_TOKEN)')
      .option('--api-url <url>', 'the PagerDuty REST API (EU accounts: https://api.eu.pagerduty.com)', PAGERDUTY_DEFAULT_URL),
  ).action(async (opts: ImportOptions) => {
    const token = opts.apiToken ?? process.env.PAGERDUTY_API_TOKEN;
    if (!token) throw new CliError('give --api-token <token> (or set PAGERDUTY_API_TOKEN): a PagerDuty REST API key.');
    const progress = stderrProgress(process.stderr, { quiet: !!opts.quiet });
    await runCommand(pagerdutySource(token, { apiUrl: opts.apiUrl, progress }), 'vigil import pagerduty', opts, client, progress);
  });
}

async function runCommand(
  source: ImportSource,
  command: string,
  opts: ImportOptions,
  client: () => ApiClient,
  progress: ReturnType<typeof stderrProgress>,
): Promise<void> {
  const weeks = Number(opts.weeks);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 52) throw new CliError('--weeks must be a whole number from 1 to 52.');
  const date = (v: string | undefined, flag: string): number | undefined => {
    if (v === undefined) return undefined;
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (!Number.isFinite(ms)) throw new CliError(`${flag} "${v}" is not a date (YYYY-MM-DD) or an ISO 8601 date-time.`);
    return ms;
  };
  const verifyFrom = date(opts.from, '--from');
  let verifyTo = date(opts.to, '--to');
  if (verifyFrom !== undefined && verifyTo === undefined) verifyTo = verifyFrom + weeks * 7 * 86_400_000;
  if (verifyFrom !== undefined && verifyTo !== undefined && verifyTo <= verifyFrom) throw new CliError('--to must be after --from.');
  if (verifyFrom !== undefined && verifyTo !== undefined && verifyTo - verifyFrom > 366 * 86_400_000) throw new CliError('verify at most a year at a time (--from to --to).');
  if (opts.verify && opts.dryRun) progress.note('--verify compares the applied import with the source: skipped in a dry run.');
  let outcome: ImportOutcome;
  try {
    outcome = await runImport({
      source,
      vigil: client(),
      dryRun: !!opts.dryRun,
      verify: !!opts.verify,
      weeks,
      ...(verifyFrom !== undefined ? { verifyFrom } : {}),
      ...(verifyTo !== undefined ? { verifyTo } : {}),
      progress,
    });
  } catch (err) {
    progress.done();
    if (err instanceof SourceError) throw new CliError(err.message);
    throw err;
  }
  if (opts.output) {
    writeFileSync(opts.output, documentYaml(outcome, { includeKeys: !!opts.includeKeys, command }));
    if (!opts.json) process.stderr.write(`Wrote ${opts.output}\n`);
  }
  if (opts.json) {
    const { document: _document, ...rest } = outcome;
    write(`${JSON.stringify(rest, null, 2)}\n`);
  } else printOutcome(outcome);
  if (outcome.verification && outcome.verification.differences.length > 0) process.exitCode = 1;
}

function printOutcome(o: ImportOutcome): void {
  const read = Object.entries(o.read)
    .map(([k, v]) => `${v} ${k.replace(/([A-Z])/g, ' $1').toLowerCase()}`)
    .join(', ');
  write(`Read from ${o.vendor} (${o.apiUrl}): ${read}.\n\n`);
  printPlan(o.result);

  const skipped = o.unmapped.filter((u) => u.status === 'skipped' && u.kind !== 'contact-methods');
  const approximated = o.unmapped.filter((u) => u.status === 'approximated');
  if (skipped.length) {
    write(`\nNot imported (${skipped.length}):\n`);
    for (const u of skipped) write(`  - ${u.source}: ${u.reason}\n`);
  }
  if (approximated.length) {
    write(`\nImported, but different in Vigil (${approximated.length}):\n`);
    for (const u of approximated) write(`  ~ ${u.source}: ${u.reason}\n`);
  }
  if (o.todos.length) {
    write(
      `\nPer person (${o.todos.length}): contact methods and notification rules came over as they were and page at once; each person gets an email to confirm or change them (Settings -> Notifications):\n`,
    );
    for (const t of o.todos) {
      write(`  ${t.name} <${t.email}>\n`);
      for (const item of t.items) write(`    [ ] ${item}\n`);
    }
  }
  const v = o.verification;
  if (v) {
    const checked = v.schedules.reduce((n, s) => n + s.checked, 0);
    const dst = Object.entries(v.dstChanges)
      .map(([zone, at]) => `${zone} ${at}`)
      .join(', ');
    const span = `${v.from} to ${v.to}${dst ? `; DST changes: ${dst}` : ''}`;
    if (v.differences.length === 0) {
      write(
        `\nVerified ${v.schedules.length} schedule(s) at ${checked} instants (every hand-off of either side and every ${v.stepMinutes} minutes, ${span}): Vigil and ${v.vendor} agree on who is on call.\n`,
      );
    } else {
      const minutes = v.ranges.reduce((n, r) => n + r.minutes, 0);
      write(`\nVerification found ${v.ranges.length} time range(s), ${formatMinutes(minutes)} in all, where Vigil and ${v.vendor} disagree (${span}):\n`);
      for (const r of v.ranges) {
        const who = (list: string[]) => (list.length ? list.join(', ') : 'nobody');
        write(`  ${r.schedule}  ${r.from} -> ${r.to} (${formatMinutes(r.minutes)}): ${v.vendor} says ${who(r.source)}, Vigil says ${who(r.vigil)}\n`);
      }
      for (const s of v.schedules) write(`  ${s.slug}: ${formatMinutes(s.differentMinutes)} differ (${s.differences} of ${s.checked} instants checked)\n`);
    }
  }
}

function formatMinutes(m: number): string {
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
