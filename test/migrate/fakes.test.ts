/**
 * The fakes' own on-call answers, checked against hand-computed expectations (so that the import's
 * verification compares Vigil with something that is right on its own terms).
 */
import { describe, expect, it } from 'vitest';
import { ogOnCallAt, seedOpsGenieAccount } from '../fakes/opsgenie-api.js';
import { pdOnCallAt, pdRender, seedPagerDutyAccount } from '../fakes/pagerduty-api.js';

const at = (iso: string) => Date.parse(iso);

describe('fake OpsGenie who-is-on-call', () => {
  // Seeded in mid-2024: its (now-relative) overrides fall before the rotations start.
  const account = seedOpsGenieAccount(at('2024-06-01T00:00:00Z'));
  const platform = account.schedules.find((s) => s.id === 's-platform')!;
  const data = account.schedules.find((s) => s.id === 's-data')!;
  const payments = account.schedules.find((s) => s.id === 's-payments')!;

  it('rotates weekly in business hours and daily after hours, in Berlin wall-clock time', () => {
    expect(ogOnCallAt(platform, at('2025-01-06T09:00:00Z'))).toEqual(['ada@acme.example']); // Mon 10:00
    expect(ogOnCallAt(platform, at('2025-01-13T09:00:00Z'))).toEqual(['bob@acme.example']); // next Mon
    expect(ogOnCallAt(platform, at('2025-01-06T17:00:00Z'))).toEqual(['bob@acme.example']); // Mon 18:00, after hours day 0
    expect(ogOnCallAt(platform, at('2025-01-07T17:00:00Z'))).toEqual(['erin@acme.example']); // Tue 18:00, day 1
    expect(ogOnCallAt(platform, at('2025-01-11T11:00:00Z'))).toEqual(['erin@acme.example']); // Sat 12:00: Fri 17:00 shift (day 4)
    expect(ogOnCallAt(platform, at('2025-01-11T16:30:00Z'))).toEqual(['ada@acme.example']); // Sat 17:30: day 5
    // After the switch to summer time (30 March) hand-offs stay at 09:00 and 17:00 local time.
    expect(ogOnCallAt(platform, at('2025-04-01T07:30:00Z'))).toEqual(['ada@acme.example']); // Tue 09:30 CEST: business hours, week 12
    expect(ogOnCallAt(platform, at('2025-04-01T06:30:00Z'))).toEqual(['bob@acme.example']); // Tue 08:30 CEST: after hours, day 84
  });

  it('counts hourly rotations in absolute hours and leaves restricted hours empty', () => {
    expect(ogOnCallAt(data, at('2025-01-06T06:30:00Z'))).toEqual(['gina@acme.example']);
    expect(ogOnCallAt(data, at('2025-01-06T18:30:00Z'))).toEqual(['ada@acme.example']);
    expect(ogOnCallAt(data, at('2025-01-06T22:30:00Z'))).toEqual([]); // 23:30 in Rome
    expect(ogOnCallAt(payments, at('2025-01-07T04:00:00Z'))).toEqual(['dan@acme.example']); // Mon 23:00 NY, nights day 0
  });

  it('applies overrides: the whole schedule, or only some rotations', () => {
    const now = at('2025-01-01T00:00:00Z');
    const platform = seedOpsGenieAccount(now).schedules.find((s) => s.id === 's-platform')!;
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    expect(ogOnCallAt(platform, hour + 50.5 * 3_600_000)).toEqual(['erin@acme.example']);
    const gina = platform.overrides!.find((o) => o.alias === 'gina-business-hours')!;
    const inside = Date.parse(gina.startDate);
    const hits = Array.from({ length: 48 }, (_, i) => ogOnCallAt(platform, inside + i * 3_600_000 + 1_800_000));
    expect(hits.some((h) => h.includes('gina@acme.example'))).toBe(true); // business hours
    expect(hits.some((h) => h.length === 1 && !h.includes('gina@acme.example'))).toBe(true); // after hours stay
  });
});

describe('fake PagerDuty final schedule', () => {
  const account = seedPagerDutyAccount(at('2024-06-01T00:00:00Z'));
  const sre = account.schedules.find((s) => s.id === 'PSRE001')!;
  const checkout = account.schedules.find((s) => s.id === 'PCHK001')!;

  it('lets a later layer win where it has coverage', () => {
    expect(pdOnCallAt(sre, at('2025-01-06T09:00:00Z'))?.id).toBe('PQUI002'); // Mon 10:00: weekday daytime day 0
    expect(pdOnCallAt(sre, at('2025-01-07T09:00:00Z'))?.id).toBe('PRAV003'); // Tue 10:00: day 1
    expect(pdOnCallAt(sre, at('2025-01-06T17:00:00Z'))?.id).toBe('PPIA001'); // Mon 18:00: weekly week 0
    expect(pdOnCallAt(sre, at('2025-01-13T17:00:00Z'))?.id).toBe('PQUI002'); // week 1
  });

  it('starts a layer at its start, counting turns from the virtual start', () => {
    expect(pdOnCallAt(checkout, at('2025-01-31T17:00:00Z'))).toBeUndefined(); // Friday noon, before the layer starts
    expect(pdOnCallAt(checkout, at('2025-02-03T13:00:00Z'))?.id).toBe('PVIC007'); // Mon 08:00: turn 56 -> users[2]
    expect(pdOnCallAt(checkout, at('2025-02-04T00:30:00Z'))?.id).toBe('PVIC007'); // Mon 19:30
    expect(pdOnCallAt(checkout, at('2025-02-04T01:00:00Z'))?.id).toBe('PUMA006'); // Mon 20:00: the "Old nights" layer is on top
    expect(pdOnCallAt(checkout, at('2025-03-04T01:00:00Z'))?.id).toBe('PVIC007'); // after Old nights ended: turn 113
    expect(pdOnCallAt(checkout, at('2025-02-08T17:00:00Z'))?.id).toBe('PSAR004'); // Saturday: weekend layer, week 5
  });

  it('renders entries that agree with the point answers, across DST changes', () => {
    for (const day of ['2025-03-08T00:00:00Z', '2025-03-29T00:00:00Z']) {
      const since = at(day);
      const until = since + 2 * 86_400_000;
      for (const s of [sre, checkout]) {
        const entries = pdRender(s, since, until);
        for (let t = since; t < until; t += 1_800_000) {
          const e = entries.find((x) => Date.parse(x.start) <= t && t < Date.parse(x.end));
          expect(e?.user?.id, new Date(t).toISOString()).toBe(pdOnCallAt(s, t)?.id);
        }
      }
    }
  });
});
