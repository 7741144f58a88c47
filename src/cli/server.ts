/**
 * Local verbs that run Vigil itself: the server, password reset, the OpenAPI document.
 */
import { SYSTEM_ACTOR } from '../core/shared/ports.js';
import { randomBytes } from 'node:crypto';
import { loadConfig, type VigilConfig } from '../config/config.js';
import { createVigil } from '../app/vigil.js';
import { CliError } from './client.js';

export async function runServer(config: VigilConfig): Promise<void> {
  const vigil = await createVigil({ config });
  const { url } = await vigil.start();
  const log = vigil.http.log;
  log.info({ database: vigil.database.description, role: config.role, url }, 'Vigil started');
  if (config.role !== 'engine') {
    process.stdout.write(`\nVigil is running at ${config.publicUrl} (database: ${vigil.database.description}).\n`);
  }
  if (vigil.initialAdmin) {
    process.stdout.write(
      `\nFirst start: sign in at ${config.publicUrl} as ${vigil.initialAdmin.email} with password ${vigil.initialAdmin.password}\n` +
        `This password is shown only once; change it after signing in (or run \`vigil admin reset-password ${vigil.initialAdmin.email}\`).\n\n`,
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Vigil stopping');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    vigil.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

export async function resetPassword(config: VigilConfig, email: string): Promise<string> {
  const vigil = await createVigil({ config: { ...config, logLevel: 'silent' }, logger: false });
  try {
    const user = await vigil.core.uow.run((r) => r.users.findByEmail(email.trim().toLowerCase()));
    if (!user) throw new CliError(`no user with email ${email}`);
    const password = randomBytes(12).toString('base64url');
    await vigil.core.uow.run(async (r) => {
      await r.users.setPasswordHash(user.id, await vigil.core.passwords.hash(password));
      await r.sessions.deleteForUser(user.id);
      await r.events.append({ entityType: 'user', entityId: user.id, type: 'user.password_reset', actor: SYSTEM_ACTOR, data: {} });
    });
    return password;
  } finally {
    await vigil.stop();
  }
}

export async function printOpenApi(): Promise<unknown> {
  const config = loadConfig({ env: {}, overrides: { databaseUrl: 'sqlite::memory:', logLevel: 'silent' } });
  const vigil = await createVigil({ config, logger: false });
  try {
    await vigil.http.ready();
    return vigil.http.swagger();
  } finally {
    await vigil.stop();
  }
}
