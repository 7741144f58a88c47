#!/usr/bin/env node
/**
 * Builds the web app (web/) into web/dist with Vite's JS API.
 *
 *   node scripts/build-web.mjs               build now
 *   node scripts/build-web.mjs --if-missing  build only when web/dist/index.html is absent (npm `prepare`);
 *                                            without Vite installed (production install) print a notice, exit 0
 *   node scripts/build-web.mjs --if-stale    build when web/dist is absent or older than any web/ source file
 *
 * Also importable: `import { buildWeb, webIsStale } from './build-web.mjs'`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_ROOT = join(ROOT, 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');
const INDEX = join(WEB_DIST, 'index.html');

/** True when Vite can be loaded from this checkout (dev dependencies installed). */
export function viteAvailable() {
  try {
    import.meta.resolve('vite');
    return true;
  } catch {
    return false;
  }
}

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than a file under web/ (index.html, config, src/, public/). */
export function webIsStale() {
  if (!existsSync(INDEX)) return true;
  return newestSourceMtime(WEB_ROOT) > statSync(INDEX).mtimeMs;
}

/** Builds web/ into web/dist. Resolves when done; rejects on build errors. */
export async function buildWeb({ quiet = false } = {}) {
  // Vite honours NODE_ENV; a test runner's NODE_ENV=test must not produce a development build of React.
  process.env.NODE_ENV = 'production';
  const vite = await import('vite');
  const started = Date.now();
  await vite.build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    mode: 'production',
    logLevel: quiet ? 'warn' : 'info',
  });
  if (!quiet) console.log(`[build-web] built web/dist in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

async function main(argv) {
  const ifMissing = argv.includes('--if-missing');
  const ifStale = argv.includes('--if-stale');
  const quiet = argv.includes('--quiet');
  const hasVite = viteAvailable();

  if (!hasVite) {
    if (ifMissing || ifStale) {
      const state = existsSync(INDEX) ? 'using the existing web/dist' : 'web/dist is absent, so the server will serve the API only';
      console.log(`[build-web] Vite is not installed (production install without dev dependencies); skipping the web build, ${state}.`);
      return 0;
    }
    console.error('[build-web] Vite is not installed: run `npm install` (with dev dependencies) first.');
    return 1;
  }
  if (ifMissing && existsSync(INDEX)) return 0;
  if (ifStale && !webIsStale()) {
    if (!quiet) console.log('[build-web] web/dist is up to date.');
    return 0;
  }
  await buildWeb({ quiet });
  return 0;
}

const isMain = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error('[build-web] build failed:', err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
