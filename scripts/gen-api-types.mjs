#!/usr/bin/env node
/**
 * Generates web/src/generated/openapi.ts (the web client's API types) from docs/openapi.json
 * with openapi-typescript, formatted with the repository's Prettier settings.
 *
 *   node scripts/gen-api-types.mjs   write web/src/generated/openapi.ts (`npm run gen:api-types`;
 *                                    `npm run openapi` runs it after regenerating docs/openapi.json)
 *
 * Also importable: `import { generateApiTypes } from './gen-api-types.mjs'` returns the file's text.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_JSON = join(ROOT, 'docs', 'openapi.json');
export const API_TYPES = join(ROOT, 'web', 'src', 'generated', 'openapi.ts');

const HEADER = `/**
 * The Vigil HTTP API's types, generated from docs/openapi.json by scripts/gen-api-types.mjs.
 * Do not edit: run \`npm run openapi\` (or \`npm run gen:api-types\`) after changing a route.
 */

`;

/** The text of web/src/generated/openapi.ts for the given OpenAPI document (default: docs/openapi.json). */
export async function generateApiTypes(document = JSON.parse(readFileSync(OPENAPI_JSON, 'utf8'))) {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const prettier = await import('prettier');
  const ast = await openapiTS(document, { silent: true });
  const text = HEADER + astToString(ast);
  const options = (await prettier.resolveConfig(API_TYPES)) ?? {};
  return prettier.format(text, { ...options, filepath: API_TYPES });
}

async function main() {
  const text = await generateApiTypes();
  mkdirSync(dirname(API_TYPES), { recursive: true });
  writeFileSync(API_TYPES, text);
  console.log(`[gen-api-types] wrote ${API_TYPES.slice(ROOT.length + 1)}`);
}

const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  main().catch((err) => {
    console.error('[gen-api-types] failed:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
