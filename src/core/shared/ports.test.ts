import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const importsOf = (file: string): string[] =>
  [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);

describe('the ports file', () => {
  it('imports no domain, so domains import it without a cycle (each adds its repository to Repos)', () => {
    expect(new Set(importsOf('./ports.ts'))).toEqual(new Set(['./clock.js', './jobs.js']));
    expect(importsOf('./jobs.ts')).toEqual(['@sinclair/typebox', '@sinclair/typebox/compiler']);
    expect(importsOf('./clock.ts').filter((s) => s.startsWith('.'))).toEqual([]);
  });
});
