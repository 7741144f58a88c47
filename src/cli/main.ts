/**
 * The `vigil` command. Client verbs talk to the HTTP API like any client (with the token stored by
 * `vigil login`); local admin verbs (`server`, `migrate`, `admin`) open the database directly.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { ConfigError, loadConfig, type VigilConfig } from '../config/config.js';
import { ApiClient, CliError, loadCredentials, saveCredentials, credentialsPath } from './client.js';
import { printPlan, printTable } from './output.js';
import { registerAvailabilityCommands, registerScheduleCommands } from './commands/schedules.js';
import { registerSlackCommands } from './commands/slack.js';
import { registerOperationCommands } from './commands/operations.js';
import { registerBacklogCommands, registerTriageCommands } from './commands/triage.js';

const program = new Command();
program
  .name('vigil')
  .description('Vigil: on-call schedules, paging, incidents and post-mortems.')
  .version('0.1.0')
  .option('--url <url>', 'Vigil server URL (default: from `vigil login`, VIGIL_URL, or http://localhost:8080)')
  .option('--token <token>', 'API token (default: from `vigil login` or VIGIL_TOKEN)')
  .showHelpAfterError();

function globalClient(): ApiClient {
  const opts = program.opts<{ url?: string; token?: string }>();
  const saved = loadCredentials();
  const url = opts.url || process.env.VIGIL_URL || saved?.url || 'http://localhost:8080';
  const token = opts.token || process.env.VIGIL_TOKEN || (saved && (!opts.url || opts.url === saved.url) ? saved.token : undefined);
  return new ApiClient(url, token);
}

function serverConfig(overrides: Record<string, unknown> = {}): VigilConfig {
  return loadConfig({ env: process.env, overrides });
}

program
  .command('server')
  .description('Run the Vigil server (HTTP API, web UI and job engine)')
  .addOption(new Option('--role <role>', 'which roles this process runs').choices(['all', 'api', 'engine']))
  .option('--port <port>', 'TCP port (default 8080, or PORT)')
  .action(async (opts: { role?: string; port?: string }) => {
    const { runServer } = await import('./server.js');
    await runServer(serverConfig({ ...(opts.role ? { role: opts.role } : {}), ...(opts.port ? { port: opts.port } : {}) }));
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit (the server also applies them at start)')
  .action(async () => {
    const config = serverConfig();
    const { openDatabase } = await import('../storage/database.js');
    const { migrateToLatest } = await import('../storage/migrations/index.js');
    const database = await openDatabase(config.databaseUrl);
    try {
      const result = await migrateToLatest(database.db, database.dialect);
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : `Up to date (${database.description}).\n`);
    } finally {
      await database.close();
    }
  });

program
  .command('login')
  .description("Store the server URL and an API token for later commands (with your own scopes: an admin's token can administer)")
  .option('--email <email>', 'sign in with email and password to create a token')
  .option('--password <password>', 'password (prompted when omitted; or VIGIL_PASSWORD)')
  .option('--scopes <scopes>', 'narrow the new token to these scopes, comma separated (read,write,admin); default: all of yours')
  .option('--token <token>', 'use an existing API token instead')
  .action(async (opts: { email?: string; password?: string; token?: string; scopes?: string }) => {
    const globals = program.opts<{ url?: string; token?: string }>();
    const url = globals.url || process.env.VIGIL_URL || 'http://localhost:8080';
    let token = opts.token ?? globals.token;
    const scopes = opts.scopes
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (opts.scopes !== undefined && !scopes?.length) throw new CliError('--scopes: give one or more of read, write, admin.');
    if (token && scopes) throw new CliError('--scopes applies to a token created by signing in with --email; an existing token keeps its scopes.');
    if (!token) {
      if (!opts.email) throw new CliError('Give --token <token>, or --email <email> to sign in with a password.');
      const password = opts.password ?? process.env.VIGIL_PASSWORD ?? (await promptHidden('Password: '));
      token = (await new ApiClient(url).loginForToken(opts.email, password, scopes)).secret;
    }
    const me = await new ApiClient(url, token).get<{ user: { name: string; email: string; role: string }; scopes: string[] }>('/api/v1/me');
    saveCredentials({ url, token });
    process.stdout.write(
      `Signed in to ${url} as ${me.user.name} <${me.user.email}> (${me.user.role}; scopes ${me.scopes.join(', ')}). Token stored in ${credentialsPath()}.\n`,
    );
  });

program
  .command('whoami')
  .description('Show who the stored token belongs to')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const me = await globalClient().get<{ user: { name: string; email: string; role: string; timeZone: string }; scopes: string[]; teams: Array<{ name: string }> }>('/api/v1/me');
    if (opts.json) return void process.stdout.write(`${JSON.stringify(me, null, 2)}\n`);
    process.stdout.write(
      `${me.user.name} <${me.user.email}>\nrole: ${me.user.role}\nscopes: ${me.scopes.join(', ')}\ntime zone: ${me.user.timeZone}\nteams: ${me.teams.map((t) => t.name).join(', ') || '(none)'}\n`,
    );
  });

program
  .command('apply')
  .description('Create or update users, teams and more from a vigil.yaml file (idempotent)')
  .requiredOption('-f, --file <path>', 'the configuration file (YAML or JSON; - for stdin)')
  .option('--dry-run', 'print the plan and change nothing')
  .option('--json', 'print the result as JSON')
  .action(async (opts: { file: string; dryRun?: boolean; json?: boolean }) => {
    const text = opts.file === '-' ? readFileSync(0, 'utf8') : readFileSync(opts.file, 'utf8');
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new CliError(`${opts.file}: not valid YAML: ${(err as Error).message}`);
    }
    const result = await globalClient().post<{ dryRun: boolean; plan: Array<{ section: string; key: string; action: string; changes?: unknown }>; summary: Record<string, number> }>(
      `/api/v1/config/apply${opts.dryRun ? '?dryRun=true' : ''}`,
      doc,
    );
    if (opts.json) return void process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    printPlan(result);
  });

program
  .command('export')
  .description('Write the current configuration as vigil.yaml')
  .option('-o, --output <path>', 'write to a file instead of stdout')
  .option('--json', 'JSON instead of YAML')
  .action(async (opts: { output?: string; json?: boolean }) => {
    const doc = await globalClient().get<unknown>('/api/v1/config/export');
    const text = opts.json ? `${JSON.stringify(doc, null, 2)}\n` : toYaml(doc);
    if (opts.output) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(opts.output, text);
      process.stderr.write(`Wrote ${opts.output}\n`);
    } else process.stdout.write(text);
  });

const users = program.command('users').description('List and manage users');
users
  .command('list', { isDefault: true })
  .description('List users')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { data } = await globalClient().get<{ data: Array<Record<string, unknown>> }>('/api/v1/users');
    if (opts.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    printTable(data, ['name', 'email', 'role', 'timeZone']);
  });
users
  .command('create')
  .description('Create a user (admin)')
  .requiredOption('--name <name>')
  .requiredOption('--email <email>')
  .option('--role <role>', 'admin | responder | stakeholder', 'responder')
  .option('--time-zone <zone>', 'IANA time zone', 'UTC')
  .option('--password <password>', 'initial password for web sign-in')
  .action(async (opts: { name: string; email: string; role: string; timeZone: string; password?: string }) => {
    const u = await globalClient().post<{ id: string; email: string }>('/api/v1/users', {
      name: opts.name,
      email: opts.email,
      role: opts.role,
      timeZone: opts.timeZone,
      ...(opts.password ? { password: opts.password } : {}),
    });
    process.stdout.write(`Created ${u.email} (${u.id})\n`);
  });

users
  .command('invite [emails...]')
  .description('Invite people by email: each gets a single-use sign-up link (admins, or the lead of the team)')
  .option('--team <team>', 'team slug or id the invitees join')
  .option('--role <role>', 'admin | responder | stakeholder', 'responder')
  .option('--slack-channel <channel>', 'instead of emails, invite the members of this Slack channel (id)')
  .action(async (emails: string[], opts: { team?: string; role: string; slackChannel?: string }) => {
    const client = globalClient();
    for (const email of emails) {
      const i = await client.post<{ email: string; expiresAt: number }>('/api/v1/invites', { email, role: opts.role, ...(opts.team ? { teamId: opts.team } : {}) });
      process.stdout.write(`Invited ${i.email}; the link expires ${new Date(i.expiresAt).toISOString().slice(0, 16).replace('T', ' ')} UTC\n`);
    }
    if (opts.slackChannel) {
      const res = await client.post<{ invited: Array<{ email: string }>; skipped: Array<{ slackUserId: string; name?: string; reason: string }> }>('/api/v1/invites/slack', {
        channelId: opts.slackChannel,
        role: opts.role,
        ...(opts.team ? { teamId: opts.team } : {}),
      });
      for (const i of res.invited) process.stdout.write(`Invited ${i.email}\n`);
      for (const s of res.skipped) process.stdout.write(`Skipped ${s.name ?? s.slackUserId}: ${s.reason}\n`);
    }
  });

const teams = program.command('teams').description('List teams');
teams
  .command('list', { isDefault: true })
  .description('List teams')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { data } = await globalClient().get<{ data: Array<Record<string, unknown>> }>('/api/v1/teams');
    if (opts.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    printTable(
      data.map((t) => ({ ...t, members: (t.memberIds as string[]).length })),
      ['slug', 'name', 'members'],
    );
  });

const tokens = program.command('tokens').description('Manage your API tokens');
tokens
  .command('create')
  .description('Create an API token (its secret is shown once)')
  .requiredOption('--name <name>')
  .option('--scopes <scopes>', 'comma-separated: read,write,admin', 'read,write')
  .option('--expires-in-days <days>', 'lifetime in days')
  .action(async (opts: { name: string; scopes: string; expiresInDays?: string }) => {
    const r = await globalClient().post<{ token: { id: string }; secret: string }>('/api/v1/tokens', {
      name: opts.name,
      scopes: opts.scopes.split(',').map((s) => s.trim()),
      ...(opts.expiresInDays ? { expiresInDays: Number(opts.expiresInDays) } : {}),
    });
    process.stdout.write(`${r.secret}\n`);
    process.stderr.write(`Token ${r.token.id} created. Store the secret now: it is not shown again.\n`);
  });
tokens
  .command('list', { isDefault: true })
  .description('List your API tokens')
  .action(async () => {
    const { data } = await globalClient().get<{ data: Array<Record<string, unknown>> }>('/api/v1/tokens');
    printTable(
      data.map((t) => ({ ...t, scopes: (t.scopes as string[]).join(','), revoked: t.revokedAt ? 'yes' : '' })),
      ['id', 'name', 'scopes', 'revoked'],
    );
  });
tokens
  .command('revoke <id>')
  .description('Revoke an API token')
  .action(async (id: string) => {
    await globalClient().delete(`/api/v1/tokens/${encodeURIComponent(id)}`);
    process.stdout.write(`Revoked ${id}\n`);
  });

program
  .command('audit')
  .description('Search the audit log of configuration changes (admin)')
  .option('--actor <userId>', 'who made the change')
  .option('--action <action>', 'e.g. service.updated, integration.removed')
  .option('--entity-type <type>', 'service, integration, schedule, override, team, user...')
  .option('--entity-id <id>')
  .option('--team <teamId>')
  .option('-q, --query <text>', 'text in the action, the object id or the before/after documents')
  .option('--limit <n>', 'at most this many (1-500)', '50')
  .option('--json', 'print JSON')
  .action(async (opts: { actor?: string; action?: string; entityType?: string; entityId?: string; team?: string; query?: string; limit: string; json?: boolean }) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ actor: opts.actor, action: opts.action, entityType: opts.entityType, entityId: opts.entityId, team: opts.team, q: opts.query, limit: opts.limit })) if (v) q.set(k, v);
    const { data } = await globalClient().get<{ data: Array<Record<string, unknown>> }>(`/api/v1/audit?${q.toString()}`);
    if (opts.json) return void process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    printTable(
      data.map((e) => ({ ...e, at: new Date(e.at as number).toISOString(), who: (e.actor as { id: string | null; type: string }).id ?? (e.actor as { type: string }).type })),
      ['at', 'who', 'action', 'entityType', 'entityId'],
    );
  });

registerScheduleCommands(program, globalClient);
registerAvailabilityCommands(program, globalClient);
registerSlackCommands(program);
registerOperationCommands(program, globalClient);
registerTriageCommands(program, globalClient);
registerBacklogCommands(program, globalClient);
(await import('./commands/import.js')).registerImportCommands(program, globalClient);

const admin = program.command('admin').description('Local administration (opens the database directly)');
admin
  .command('reset-password <email>')
  .description('Set a new password for a user and print it')
  .action(async (email: string) => {
    const { resetPassword } = await import('./server.js');
    const password = await resetPassword(serverConfig(), email);
    process.stdout.write(`New password for ${email}: ${password}\n`);
  });

admin
  .command('backup <file>')
  .description('Back up the database to a file while Vigil runs (SQLite online backup; for PostgreSQL, prints how to use pg_dump)')
  .option('--force', 'overwrite the file if it exists')
  .action(async (file: string, opts: { force?: boolean }) => {
    const config = serverConfig();
    const { backupSqlite, postgresBackupGuidance, BackupError } = await import('../storage/backup.js');
    if (!config.databaseUrl.startsWith('sqlite:')) throw new CliError(postgresBackupGuidance(config.databaseUrl, file));
    try {
      const r = await backupSqlite(config.databaseUrl.slice('sqlite:'.length), file, { overwrite: opts.force ?? false });
      process.stdout.write(
        `Backed up ${r.source} to ${r.destination} (${r.pages} pages, ${(r.bytes / 1048576).toFixed(1)} MiB; checked; latest migration ${r.latestMigration ?? 'none'}).\n` +
          `Restore: stop Vigil, then start it with VIGIL_DATABASE_URL=sqlite:${r.destination} (or put it in place of ${r.source} and delete that file's -wal and -shm companions).\n`,
      );
    } catch (err) {
      if (err instanceof BackupError) throw new CliError(`backup: ${err.message}`);
      throw err;
    }
  });

program
  .command('openapi')
  .description('Print the OpenAPI document of this version')
  .action(async () => {
    const { printOpenApi } = await import('./server.js');
    process.stdout.write(`${JSON.stringify(await printOpenApi(), null, 2)}\n`);
  });

async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) return readFileSync(0, 'utf8').split('\n')[0] ?? '';
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const rlOut = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  rlOut._writeToOutput = (s: string) => {
    if (!asked) {
      process.stdout.write(s);
      asked = true;
    }
  };
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  process.stdout.write('\n');
  return answer;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (process.env.VIGIL_DEBUG) throw err;
  const e = err as NodeJS.ErrnoException;
  const message = err instanceof CliError ? err.message : e.code === 'ENOENT' && e.path ? `no such file: ${e.path}` : e.message;
  process.stderr.write(`vigil: ${message}\n`);
  process.exit(1);
}
