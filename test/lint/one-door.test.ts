/**
 * The dependency rule's "one door into core" (eslint.config.js): a route or module that reaches
 * for the unit of work or the repositories fails `npm run lint` (the fixtures are linted as if they
 * were the text of an existing route, module or core file). ESLint's Node API:
 * https://eslint.org/docs/latest/integrate/nodejs-api (ESLint#lintText with a filePath).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const lint = async (filePath: string, code: string) => {
  const eslint = new ESLint();
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
};

const VIOLATION = `import type { Repos } from '../../core/shared/ports.js';
import type { HttpDeps } from '../types.js';
export async function count(deps: HttpDeps): Promise<number> {
  return deps.core.uow.run(async (r: Repos) => (await r.teams.list()).length);
}
`;

const THROUGH_A_USE_CASE = `import { listTeams } from '../../core/teams/teams.js';
import { systemCtx } from '../../core/shared/context.js';
import type { HttpDeps } from '../types.js';
export async function count(deps: HttpDeps): Promise<number> {
  return (await listTeams(deps.core, systemCtx(0, ''), {})).length;
}
`;

describe('lint: one door into core', () => {
  it('refuses a route that opens a transaction or names the repositories', async () => {
    const messages = await lint('src/http/routes/teams.ts', VIOLATION);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    expect(messages.every((m) => m.includes('use case'))).toBe(true);
  }, 60_000);

  it('refuses the same in a module', async () => {
    expect((await lint('src/app/modules/schedules.ts', VIOLATION)).length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('accepts a route that calls a use case', async () => {
    expect(await lint('src/http/routes/teams.ts', THROUGH_A_USE_CASE)).toEqual([]);
  }, 60_000);

  it('leaves core and storage, where the unit of work belongs, alone', async () => {
    expect(await lint('src/core/teams/teams.ts', VIOLATION.replace('../types.js', '../../http/types.js'))).toEqual([]);
  }, 60_000);
});
