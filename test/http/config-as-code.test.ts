/**
 * vigil.yaml: apply creates, re-apply changes nothing, edits update, dry runs change nothing,
 * export round-trips; the `vigil` CLI drives the same API.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

const run = promisify(execFile);
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const YAML = `
version: 1
users:
  - email: ada@example.com
    name: Ada Lovelace
    timeZone: Europe/London
  - email: grace@example.com
    name: Grace Hopper
    timeZone: America/New_York
    role: admin
    phone: "+14155550123"
teams:
  - slug: platform
    name: Platform
    lead: ada@example.com
    members: [ada@example.com, grace@example.com]
`;

describe('config as code over the API', () => {
  it('plans without changing anything on a dry run', async () => {
    const res = await t.api('POST', '/api/v1/config/apply?dryRun=true', { rawBody: YAML, headers: { 'content-type': 'application/yaml' } });
    expect(res.status).toBe(200);
    expect(res.body.summary).toMatchObject({ create: 3, update: 0 });
    expect((await t.api('GET', '/api/v1/users/ada@example.com')).status).toBe(404);
  });

  it('applies, then re-applies with no change, then updates', async () => {
    const first = await t.api('POST', '/api/v1/config/apply', { rawBody: YAML, headers: { 'content-type': 'application/yaml' } });
    expect(first.body.summary).toMatchObject({ create: 3 });
    const again = await t.api('POST', '/api/v1/config/apply', { rawBody: YAML, headers: { 'content-type': 'application/yaml' } });
    expect(again.body.summary).toMatchObject({ create: 0, update: 0, unchanged: 3 });
    const edited = YAML.replace('Europe/London', 'Europe/Paris');
    const third = await t.api('POST', '/api/v1/config/apply', { rawBody: edited, headers: { 'content-type': 'application/yaml' } });
    expect(third.body.plan.filter((p: { action: string }) => p.action === 'update')).toEqual([
      { section: 'users', key: 'ada@example.com', action: 'update', changes: { timeZone: { from: 'Europe/London', to: 'Europe/Paris' } } },
    ]);
    const team = await t.api('GET', '/api/v1/teams/platform');
    expect(team.body.memberIds).toHaveLength(2);
  });

  it('reports every problem at once and applies nothing', async () => {
    const res = await t.api('POST', '/api/v1/config/apply', {
      body: { version: 1, users: [{ email: 'x@example.com' }, { name: 'No email', colour: 'red' }], teams: 'nope' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual(
      expect.arrayContaining(['users[0].name: is required', 'users[1].colour: unknown field', 'users[1].email: is required', 'teams: expected a list']),
    );
  });

  it('rolls back the whole document when one object fails', async () => {
    const res = await t.api('POST', '/api/v1/config/apply', {
      body: { version: 1, users: [{ email: 'new@example.com', name: 'New' }], teams: [{ name: 'Broken', lead: 'ghost@example.com' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('ghost@example.com');
    expect((await t.api('GET', '/api/v1/users/new@example.com')).status).toBe(404);
  });

  it('exports what it applied', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/config/export?format=yaml`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    const doc = parseYaml(await res.text());
    expect(doc.teams).toEqual([{ slug: 'platform', name: 'Platform', lead: 'ada@example.com', members: ['ada@example.com', 'grace@example.com'] }]);
    expect(doc.users.find((u: { email: string }) => u.email === 'grace@example.com')).toMatchObject({ role: 'admin', phone: '+14155550123' });
  });
});

describe('the vigil CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/vigil.js', ...args], { env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir, VIGIL_URL: '', VIGIL_TOKEN: '' } });

  it('logs in with a token, says who it is, applies and exports', async () => {
    const login = await cli('--url', t.baseUrl, 'login', '--token', t.adminToken);
    expect(login.stdout).toContain('Signed in');
    const who = await cli('whoami', '--json');
    expect(JSON.parse(who.stdout).user.role).toBe('admin');
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, YAML.replace('Grace Hopper', 'Grace B. Hopper'));
    const plan = await cli('apply', '-f', file, '--dry-run');
    expect(plan.stdout).toContain('~ users/grace@example.com');
    expect(plan.stdout).toContain('dry run');
    await cli('apply', '-f', file);
    const exported = await cli('export');
    expect(exported.stdout).toContain('Grace B. Hopper');
  });

  it('signs in with a password and stores a new token', async () => {
    const login = await cli('--url', t.baseUrl, 'login', '--email', t.adminEmail, '--password', t.adminPassword);
    expect(login.stdout).toContain('Ada Admin');
    expect((await cli('users', '--json')).stdout).toContain('ada@example.com');
  });

  it("an admin's password sign-in holds the admin scope, so admin verbs work; --scopes narrows it", async () => {
    const login = await cli('--url', t.baseUrl, 'login', '--email', t.adminEmail, '--password', t.adminPassword);
    expect(login.stdout).toContain('scopes read, write, admin');
    expect(JSON.parse((await cli('whoami', '--json')).stdout).scopes).toEqual(['read', 'write', 'admin']);
    const created = await cli('users', 'create', '--name', 'Lin Login', '--email', 'lin@example.com', '--password', 'lin-secret-password');
    expect(created.stdout).toContain('Created lin@example.com');

    await cli('--url', t.baseUrl, 'login', '--email', t.adminEmail, '--password', t.adminPassword, '--scopes', 'read');
    expect(JSON.parse((await cli('whoami', '--json')).stdout).scopes).toEqual(['read']);
    const refused = await cli('users', 'create', '--name', 'No One', '--email', 'no@example.com').catch((e: { stderr: string; code: number }) => e);
    expect((refused as { code: number }).code).not.toBe(0);
    expect((refused as { stderr: string }).stderr).toContain('403');
  });

  it("a responder's sign-in holds read and write; asking for admin is refused before any token is made", async () => {
    const login = await cli('--url', t.baseUrl, 'login', '--email', 'lin@example.com', '--password', 'lin-secret-password');
    expect(login.stdout).toContain('(responder; scopes read, write)');
    const tokensBefore = (await t.api('GET', '/api/v1/tokens?all=true')).body.data.length;
    const err = await cli('--url', t.baseUrl, 'login', '--email', 'lin@example.com', '--password', 'lin-secret-password', '--scopes', 'read,admin').catch(
      (e: { stderr: string; code: number }) => e,
    );
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toContain('cannot hold "admin"');
    expect((await t.api('GET', '/api/v1/tokens?all=true')).body.data.length).toBe(tokensBefore);
  });

  it('explains errors plainly', async () => {
    const err = await cli('apply', '-f', join(dir, 'missing.yaml')).catch((e: { stderr: string; code: number }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    const bad = await run(process.execPath, ['bin/vigil.js', '--url', 'http://127.0.0.1:1', '--token', 'x', 'whoami'], { env: { ...process.env, VIGIL_CLI_CONFIG_DIR: dir } }).catch((e: { stderr: string }) => e);
    expect((bad as { stderr: string }).stderr).toContain('cannot reach');
  });

  it('has --help on every verb', async () => {
    for (const verb of ['server', 'migrate', 'apply', 'export', 'login', 'whoami']) {
      const out = await cli(verb, '--help');
      expect(out.stdout).toContain(`Usage: vigil ${verb}`);
    }
  });
});
