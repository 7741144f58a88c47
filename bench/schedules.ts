/**
 * Schedule math benchmark: `node --import tsx bench/schedules.ts`
 *
 * 1. finalSchedule over one year for a schedule with 3 layers, 10 participants, 100 overrides (target < 20 ms).
 * 2. onCallAt(now) for 1,000 different schedules (target < 100 ms for all of them).
 * 3. handoffsBetween over the next minute for the same 1,000 schedules (what the engine's tick does).
 *
 * Prints p50/p99 over repeated runs and writes bench/results/schedules.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finalSchedule, handoffsBetween, onCallAt } from '../src/core/schedules/final-schedule.js';
import type { IsoWeekday, Layer, Override, Restriction, Schedule } from '../src/core/schedules/model.js';
import { clearZoneCache } from '../src/core/schedules/rotation.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const businessHours: Restriction[] = [1, 2, 3, 4, 5].map((d) => ({
  type: 'weekly',
  startWeekday: d as IsoWeekday,
  startTime: '09:00',
  endWeekday: d as IsoWeekday,
  endTime: '17:00',
}));
const people = Array.from({ length: 10 }, (_, i) => `user-${i}`);

function makeSchedule(id: string, timeZone: string, rnd: () => number, nOverrides: number, now: number): Schedule {
  const shuffled = [...people].sort(() => rnd() - 0.5);
  const layers: Layer[] = [
    {
      id: `${id}-primary`,
      name: 'Primary',
      participants: people,
      shift: { unit: 'week', length: 1 },
      handoffTime: '09:00',
      handoffWeekday: 1,
      startDate: '2021-01-04',
    },
    {
      id: `${id}-nights`,
      name: 'Nights',
      participants: shuffled,
      shift: { unit: 'day', length: 1 },
      handoffTime: '18:00',
      startDate: '2023-06-01',
      restrictions: [{ type: 'time_of_day', start: '18:00', end: '09:00' }],
    },
    {
      id: `${id}-business`,
      name: 'Business hours',
      participants: people.slice(0, 6),
      shift: { unit: 'hour', length: 12 },
      handoffTime: '08:00',
      startDate: '2024-02-29',
      restrictions: businessHours,
    },
  ];
  const overrides: Override[] = Array.from({ length: nOverrides }, (_, j) => {
    const start = now + Math.floor(rnd() * 365 * DAY);
    const userId = people[Math.floor(rnd() * 10)]!;
    const o: Override = { id: `${id}-o${j}`, userId, start, end: start + (2 + Math.floor(rnd() * 70)) * HOUR };
    if (rnd() < 0.3) {
      const r = people[Math.floor(rnd() * 10)]!;
      if (r !== userId) o.replacesUserId = r;
    }
    return o;
  });
  return { id, timeZone, layers, overrides };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const f = (ms: number): string => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const now = Date.now();
const rnd = prng(42);
const zones = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'America/St_Johns',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Helsinki',
  'Africa/Cairo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'UTC',
];

// --- 1. one year of one schedule ------------------------------------------------------------
const big = makeSchedule('big', 'America/New_York', rnd, 100, now);
// Warm the JIT on another zone and window, so "cold" measures the empty offset memo, not compilation.
const warm = { ...makeSchedule('warm', 'Europe/Berlin', rnd, 100, now - 400 * DAY), timeZone: 'Europe/Berlin' };
for (let i = 0; i < 20; i++) finalSchedule(warm, now - 400 * DAY, now - 35 * DAY);
for (let i = 0; i < 2000; i++) onCallAt(warm, now - 400 * DAY + i * HOUR);
clearZoneCache();
const yearCold = time(() => finalSchedule(big, now, now + 365 * DAY));
const sample = finalSchedule(big, now, now + 365 * DAY);
const yearRuns: number[] = [];
for (let i = 0; i < 200; i++) yearRuns.push(time(() => finalSchedule(big, now, now + 365 * DAY)));

// --- 2. onCallAt for 1,000 schedules -----------------------------------------------------------
const many = Array.from({ length: 1000 }, (_, i) => makeSchedule(`s${i}`, zones[i % zones.length]!, rnd, Math.floor(rnd() * 11), now - 30 * DAY));
let sink = 0;
clearZoneCache();
const onCallCold = time(() => {
  for (const s of many) sink += onCallAt(s, now).length;
});
const onCallRuns: number[] = [];
for (let i = 0; i < 100; i++) {
  const t = now + i * 61_000; // a new instant each pass, as the engine would ask
  onCallRuns.push(
    time(() => {
      for (const s of many) sink += onCallAt(s, t).length;
    }),
  );
}

// --- 3. handoffsBetween(next minute) for 1,000 schedules -------------------------------------
const tickRuns: number[] = [];
for (let i = 0; i < 100; i++) {
  const t = now + i * 60_000;
  tickRuns.push(
    time(() => {
      for (const s of many) sink += handoffsBetween(s, t, t + 60_000).length;
    }),
  );
}

const rows: [string, string, number, number, number, string][] = [
  [
    'finalSchedule, 1 year, 3 layers, 10 people, 100 overrides',
    `${sample.shifts.length} shifts, ${sample.gaps.length} gaps`,
    yearCold,
    pct(yearRuns, 50),
    pct(yearRuns, 99),
    '< 20 ms',
  ],
  ['onCallAt(now) for 1,000 schedules (total)', '20 zones, 3 layers, 0-10 overrides each', onCallCold, pct(onCallRuns, 50), pct(onCallRuns, 99), '< 100 ms'],
  ['handoffsBetween(next minute) for 1,000 schedules (total)', 'engine tick', NaN, pct(tickRuns, 50), pct(tickRuns, 99), '-'],
];

const nproc = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
const header = `date ${new Date(now).toISOString()}, nproc ${nproc}, node ${process.version}, cpu ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0]!.toFixed(2)} (machine shared)`;
console.log(header);
for (const [name, shape, cold, p50, p99, target] of rows) {
  console.log(`${name} [${shape}]: cold ${Number.isNaN(cold) ? '-' : `${f(cold)} ms`}, p50 ${f(p50)} ms, p99 ${f(p99)} ms (target ${target})`);
}
if (sink < 0) console.log(sink);

const md = `# Schedule math benchmark

\`node --import tsx bench/schedules.ts\` — ${header}

| Case | Shape | Cold (first run, empty zone memo) | p50 | p99 | Target |
| --- | --- | --- | --- | --- | --- |
${rows.map(([name, shape, cold, p50, p99, target]) => `| ${name} | ${shape} | ${Number.isNaN(cold) ? '-' : `${f(cold)} ms`} | ${f(p50)} ms | ${f(p99)} ms | ${target} |`).join('\n')}

Runs: 200 for the one-year case, 100 passes over the 1,000 schedules for the others (each pass at a new instant).
"Cold" is the first run after clearing the per-zone offset memo (luxon/Intl look-ups not yet cached), with the JIT
already warmed on another zone. Warm figures reuse the memo, as a long-running server does.
Layers: weekly Monday 09:00 (started 2021), daily nights 18:00-09:00 (restricted), 12-hour business-hours layer
(Mon-Fri 09:00-17:00 restrictions).
`;
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'schedules.md');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, md);
console.log(`wrote ${out}`);
