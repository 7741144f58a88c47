/**
 * Crash safety of the intake: Vigil answers 2xx only after the alert is committed, so a process killed at any
 * moment loses nothing it acknowledged and duplicates nothing.
 *
 * Vigil runs as a child process (the `vigil server` path, configured by the environment). Several concurrent
 * OpsGenie clients stream creates with distinct aliases while the server is SIGKILLed five times, 300-700 ms
 * into each life, and started again on the same database. A client whose request fails (connection reset or
 * refused) retries the same alias until it gets a 2xx, as Alertmanager does. After the last restart:
 *   - every alias that got a 2xx is in Vigil exactly once (GET /api/v1/alerts, paged; spot checks through the
 *     OpsGenie API GET /v2/alerts/<alias>?identifierType=alias);
 *   - no alias has two alerts (a retry after a crash deduplicates into the committed alert);
 *   - there is no alert nobody sent.
 * On SQLite and, when reachable, PostgreSQL.
 */
import { randomInt } from 'node:crypto';
import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl, DIALECTS, postgresAvailable, type TestDatabase } from '../helpers/databases.js';
import { freePort } from '../realclient/alertmanager-process.js';
import { httpRequest, sleep, VigilProcess } from './vigil-process.js';

const pgUp = await postgresAvailable();
const TOKEN = 'vgl_crash_bootstrap_token_0123456789';
const CLIENTS = 8;
const KILLS = 5;

interface ClientStats {
  /** Aliases answered 2xx (committed, by contract). */
  acked: Set<string>;
  /** Aliases ever sent (whatever the outcome). */
  sent: Set<string>;
  /** Aliases with at least one failed attempt before their 2xx (or still without one). */
  failedOnce: Set<string>;
  connectionErrors: number;
  /** Non-2xx HTTP answers: Vigil must never answer one here. */
  badStatuses: string[];
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`intake survives SIGKILL (${dialect})`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it(`keeps every acknowledged OpsGenie create exactly once across ${KILLS} kills (${dialect})`, async () => {
      const db: TestDatabase = await createTestDatabaseUrl(dialect);
      cleanups.push(() => db.dispose());
      const vigil = new VigilProcess({
        databaseUrl: db.url,
        port: await freePort(),
        bootstrapToken: TOKEN,
        env: { VIGIL_INTAKE_RATE_PER_SECOND: '1000000', VIGIL_INTAKE_BURST: '10000000' },
      });
      cleanups.push(() => vigil.stop());
      await vigil.start();

      // Set-up through the API with the bootstrap token.
      const admin = new Agent({ keepAlive: false });
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await httpRequest(
          admin,
          `${vigil.baseUrl}${path}`,
          method,
          { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body === undefined ? undefined : JSON.stringify(body),
        );
        return { status: res.status, body: res.body ? JSON.parse(res.body) : undefined };
      };
      expect((await api('POST', '/api/v1/teams', { name: 'Crash' })).status).toBe(201);
      expect((await api('POST', '/api/v1/services', { name: 'Crash service', slug: 'crash', teamId: 'crash', stormThreshold: 10000 })).status).toBe(201);
      const integ = await api('POST', '/api/v1/services/crash/integrations', { name: 'Prometheus', type: 'opsgenie' });
      expect(integ.status).toBe(201);
      const key: string = integ.body.key;

      const stats: ClientStats = { acked: new Set(), sent: new Set(), failedOnce: new Set(), connectionErrors: 0, badStatuses: [] };
      let running = true;
      const client = async (n: number): Promise<void> => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let seq = 0; running; seq++) {
            const alias = `crash-${n}-${seq}`;
            const body = JSON.stringify({ message: `Crash test alert ${alias}`, alias, priority: 'P3', tags: ['crash'] });
            // Retry the same alias until it is acknowledged (or the run ends).
            while (running) {
              stats.sent.add(alias);
              try {
                const res = await httpRequest(
                  agent,
                  `${vigil.baseUrl}/v2/alerts`,
                  'POST',
                  { authorization: `GenieKey ${key}`, 'content-type': 'application/json' },
                  body,
                );
                if (res.status >= 200 && res.status < 300) {
                  stats.acked.add(alias);
                  break;
                }
                stats.badStatuses.push(`${alias}: ${res.status} ${res.body.slice(0, 200)}`);
              } catch {
                stats.connectionErrors++;
              }
              stats.failedOnce.add(alias);
              await sleep(20 + randomInt(30));
            }
          }
        } finally {
          agent.destroy();
        }
      };
      const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));

      const killedAfterAcks: number[] = [];
      try {
        for (let k = 0; k < KILLS; k++) {
          await sleep(300 + randomInt(401));
          await vigil.kill();
          killedAfterAcks.push(stats.acked.size);
          await vigil.start();
        }
        // Some traffic against the last life, then stop the clients and let them finish.
        await sleep(500);
      } finally {
        running = false;
        await Promise.all(clients);
      }

      // An acknowledged create is committed on the intake queue; the last life applies what earlier
      // lives left and what the last burst queued. Wait until the queue is empty.
      for (let i = 0; i < 300; i++) {
        const res = await httpRequest(admin, `${vigil.baseUrl}/metrics`, 'GET', {});
        if (/^vigil_intake_queue\{measure="waiting"\} 0$/m.test(res.body)) break;
        await sleep(100);
      }

      // Read everything back from the last life of the server.
      const byAlias = new Map<string, Array<{ id: string; count: number; status: string }>>();
      let total = -1;
      for (let offset = 0; total < 0 || offset < total; offset += 500) {
        const page = await api('GET', `/api/v1/alerts?service=crash&limit=500&offset=${offset}`);
        expect(page.status).toBe(200);
        total = page.body.total;
        for (const a of page.body.data as Array<{ id: string; alias: string; count: number; status: string }>) {
          byAlias.set(a.alias, [...(byAlias.get(a.alias) ?? []), { id: a.id, count: a.count, status: a.status }]);
        }
        if (page.body.data.length === 0) break;
      }
      const stored = [...byAlias.values()].reduce((n, l) => n + l.length, 0);
      const missing = [...stats.acked].filter((a) => !byAlias.has(a));
      const duplicated = [...byAlias].filter(([, l]) => l.length > 1).map(([a, l]) => `${a} x${l.length}`);
      const phantoms = [...byAlias.keys()].filter((a) => !stats.sent.has(a));
      const committedBeforeCrash = [...byAlias].filter(([a, l]) => stats.failedOnce.has(a) && l[0]!.count > 1).length;
      const context = `${dialect}: ${stats.acked.size} acked, ${stats.sent.size} sent, ${stored} stored (total ${total}), ${stats.connectionErrors} connection errors, ${stats.failedOnce.size} aliases retried (${committedBeforeCrash} had committed before the reply was lost), acks at each kill ${killedAfterAcks.join(', ')}`;
      process.stdout.write(`[crash] ${context}\n`);

      expect(vigil.starts, context).toBe(KILLS + 1);
      expect(stats.connectionErrors, `the kills interrupted traffic; ${context}`).toBeGreaterThan(0);
      expect(stats.acked.size, context).toBeGreaterThan(50);
      expect(stats.badStatuses, context).toEqual([]);
      expect(missing, `acknowledged but lost; ${context}`).toEqual([]);
      expect(duplicated, `duplicated; ${context}`).toEqual([]);
      expect(phantoms, `never sent; ${context}`).toEqual([]);
      expect(stored, context).toBe(total);
      // Open, and counted once unless a failed attempt had committed before its reply was lost.
      for (const alias of stats.acked) {
        const [a] = byAlias.get(alias)!;
        expect(a!.status).toBe('open');
        if (!stats.failedOnce.has(alias)) expect(a!.count, alias).toBe(1);
      }

      // Spot checks through the OpsGenie API (what a migrated client would call).
      const agent = new Agent({ keepAlive: true });
      try {
        for (const alias of [...stats.acked].slice(0, 10)) {
          const res = await httpRequest(agent, `${vigil.baseUrl}/v2/alerts/${encodeURIComponent(alias)}?identifierType=alias`, 'GET', {
            authorization: `GenieKey ${key}`,
          });
          expect(res.status, alias).toBe(200);
          expect(JSON.parse(res.body).data).toMatchObject({ alias, status: 'open' });
        }
      } finally {
        agent.destroy();
        admin.destroy();
      }
    }, 180_000);
  });
}
