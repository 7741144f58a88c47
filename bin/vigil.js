#!/usr/bin/env node
// Entry point of the `vigil` command. Runs the JavaScript built in dist/ (`npm run build:server`,
// done by `npm install`); when a source file is newer than that build, it builds again first, and
// where it cannot (a read-only install), it loads the TypeScript sources through tsx.
import { buildServer, serverIsStale } from '../scripts/build-server.mjs';

let entry = '../dist/cli/main.js';
if (process.env.VIGIL_RUN_SOURCES === '1') entry = undefined;
else if (serverIsStale()) {
  try {
    await buildServer();
  } catch (err) {
    process.stderr.write(`vigil: could not build dist/ (${err instanceof Error ? err.message : String(err)}); running the TypeScript sources.\n`);
    entry = undefined;
  }
}
if (entry) await import(entry);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
