/**
 * docs/openapi.json is the published contract: it must be what this version serves.
 * Regenerate it with `npm run openapi` after changing a route.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printOpenApi } from '../../src/cli/server.js';

describe('the OpenAPI document', () => {
  it('in docs/openapi.json is the one the server generates (run `npm run openapi`)', async () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    const generated = JSON.parse(JSON.stringify(await printOpenApi()));
    expect(Object.keys(generated.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(generated).toEqual(committed);
  });

  it('documents every route of the public API with a summary and error answers', async () => {
    const doc = (await printOpenApi()) as { paths: Record<string, Record<string, { summary?: string; responses?: Record<string, unknown> }>> };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        if (!op.summary) missing.push(`${method.toUpperCase()} ${path}: no summary`);
        if (!op.responses?.['401']) missing.push(`${method.toUpperCase()} ${path}: no 401 answer`);
      }
    }
    expect(missing).toEqual([]);
  });
});
