/**
 * web/src/generated/openapi.ts holds the web client's API types, generated from docs/openapi.json:
 * it must be what that document generates. Regenerate both with `npm run openapi`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES, generateApiTypes } from '../../scripts/gen-api-types.mjs';

describe('the web client types', () => {
  it('in web/src/generated/openapi.ts are the ones docs/openapi.json generates', async () => {
    const committed = readFileSync(API_TYPES, 'utf8');
    const generated = await generateApiTypes();
    const a = committed.split('\n');
    const b = generated.split('\n');
    const line = a.findIndex((l, i) => l !== b[i]) + 1 || Math.min(a.length, b.length) + 1;
    const stale = `web/src/generated/openapi.ts is stale (from line ${line}): run \`npm run gen:api-types\` (or \`npm run openapi\`, which regenerates docs/openapi.json too)`;
    expect(committed === generated, stale).toBe(true);
  });
});
