#!/usr/bin/env node
/**
 * Transpiles the server's TypeScript (src/, tests excluded) to JavaScript in dist/, file for file
 * (esbuild, no bundling), so `vigil` starts without a TypeScript loader (docs/adr/0011-start-up-and-memory.md).
 *
 *   node scripts/build-server.mjs             build now
 *   node scripts/build-server.mjs --if-stale  build when dist/ is absent or older than any src/ file
 *
 * Also importable: `import { buildServer, serverIsStale } from './build-server.mjs'`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
/** Written last: its mtime says when the build finished. */
export const STAMP = join(DIST, '.built');

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts');

function sources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sources(p, out);
    else if (isSource(entry.name)) out.push(p);
  }
  return out;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : isSource(entry.name) ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

/** True when dist/ is missing or a source file changed since it was built. */
export function serverIsStale() {
  if (!existsSync(STAMP)) return true;
  return newestMtime(SRC) > statSync(STAMP).mtimeMs;
}

export async function buildServer() {
  const { transform } = await import('esbuild');
  // Each file is written aside and renamed into place, so a process starting meanwhile (another
  // `vigil` building the same sources) never reads a half-written module.
  const files = sources(SRC);
  await Promise.all(
    files.map(async (file) => {
      const { code } = await transform(readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20', sourcefile: relative(ROOT, file) });
      const out = join(DIST, relative(SRC, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      const aside = `${out}.${process.pid}.tmp`;
      writeFileSync(aside, code);
      renameSync(aside, out);
    }),
  );
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return files.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--if-stale') && !serverIsStale()) process.exit(0);
  const started = Date.now();
  const n = await buildServer();
  process.stdout.write(`Built the server: ${n} files in dist/ (${Date.now() - started} ms).\n`);
}
