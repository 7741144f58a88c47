import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { finalSchedule } from './final-schedule.js';
import { escapeText, foldLine, formatUtc, scheduleToICalendar, shiftUid } from './ical.js';
import type { Schedule } from './model.js';

const DAY = 86_400_000;
const utc = (iso: string): number => Date.parse(iso);

const schedule: Schedule = {
  id: 'sched-1',
  timeZone: 'America/New_York',
  layers: [
    {
      id: 'primary',
      name: 'Primary',
      participants: ['u1', 'u2', 'u3'],
      shift: { unit: 'week', length: 1 },
      handoffTime: '09:00',
      handoffWeekday: 1,
      startDate: '2026-01-05',
    },
    {
      id: 'biz',
      name: 'Business hours',
      participants: ['u4'],
      shift: { unit: 'day', length: 1 },
      handoffTime: '09:00',
      startDate: '2026-01-05',
      restrictions: [1, 2, 3, 4, 5].map((d) => ({ type: 'weekly' as const, startWeekday: d as 1, startTime: '09:00', endWeekday: d as 1, endTime: '12:00' })),
    },
  ],
  overrides: [{ id: 'ov-1', userId: 'u5', start: utc('2026-03-10T20:00:00Z'), end: utc('2026-03-11T04:00:00Z'), replacesUserId: 'u1' }],
};

const userNames: Record<string, string> = {
  u1: 'Ann O’Neil',
  u2: 'Bob, "the builder"; Jr.\\',
  u3: 'Chloé\nNewline',
  u4: `Dana ${'Долгополова-Сидоренко 🚨 '.repeat(4)}`,
  u5: 'Eve',
};

const from = utc('2026-03-02T05:00:00Z'); // local midnight, Mar 2
const to = from + 21 * DAY;
const now = utc('2026-03-01T12:34:56Z');

function parseEvents(text: string): { uid: string; summary: string; description: string | null; start: number; end: number; stamp: string }[] {
  const comp = new ICAL.Component(ICAL.parse(text));
  return comp.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      summary: e.summary,
      description: (v.getFirstPropertyValue('description') as string | null) ?? null,
      start: e.startDate.toUnixTime() * 1000,
      end: e.endDate.toUnixTime() * 1000,
      stamp: String(v.getFirstPropertyValue('dtstamp')),
    };
  });
}

describe('scheduleToICalendar', () => {
  const { shifts } = finalSchedule(schedule, from, to);
  const text = scheduleToICalendar({ name: 'Payments, primary; "on call"', shifts, now, calendarId: 'cal-1', userNames });

  it('is CRLF-delimited with lines of at most 75 octets', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text.split('\r\n').some((l) => l.startsWith(' '))).toBe(true); // long names were folded
  });

  it('has the calendar header', () => {
    const lines = text.split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Vigil//On-call schedules//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH']);
    expect(lines).toContain('X-WR-CALNAME:Payments\\, primary\\; "on call"');
    expect(lines[lines.length - 2]).toBe('END:VCALENDAR');
  });

  it('parses back with ical.js into the same events', () => {
    const events = parseEvents(text);
    expect(events).toHaveLength(shifts.length);
    expect(shifts.length).toBeGreaterThan(10);
    events.forEach((e, i) => {
      const s = shifts[i]!;
      expect(e.start).toBe(s.start);
      expect(e.end).toBe(s.end);
      expect(e.summary).toBe(`On call: ${userNames[s.userId]}`);
      expect(e.uid).toBe(shiftUid('cal-1', s));
      expect(e.stamp).toBe('2026-03-01T12:34:56Z');
    });
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
    const override = events.find((e) => e.summary === 'On call: Eve');
    expect(override?.description).toBe(`Override covering for ${userNames.u1}.`);
  });

  it('writes DTSTART/DTEND in UTC form', () => {
    expect(text).toMatch(/\r\nDTSTART:20260302T050000Z\r\n/);
    expect(text).toMatch(/\r\nDTEND:20260302T140000Z\r\n/);
  });

  it('keeps UIDs stable across fetches (new DTSTAMP, later window) and distinct per calendar', () => {
    const later = finalSchedule(schedule, from + 7 * DAY, to + 7 * DAY).shifts;
    const again = scheduleToICalendar({ name: 'x', shifts: later, now: now + DAY, calendarId: 'cal-1', userNames });
    const first = new Map(parseEvents(text).map((e) => [e.start, e.uid]));
    const shared = parseEvents(again).filter((e) => first.has(e.start));
    expect(shared.length).toBeGreaterThan(5);
    for (const e of shared) expect(e.uid).toBe(first.get(e.start));
    const other = scheduleToICalendar({ name: 'x', shifts, now, calendarId: 'cal-2' });
    const otherUids = new Set(parseEvents(other).map((e) => e.uid));
    for (const uid of first.values()) expect(otherUids.has(uid)).toBe(false);
  });

  it('falls back to user ids without names and handles no shifts', () => {
    const t = scheduleToICalendar({ name: 'x', shifts: shifts.slice(0, 1), now, calendarId: 'c' });
    expect(parseEvents(t)[0]!.summary).toBe(`On call: ${shifts[0]!.userId}`);
    const empty = scheduleToICalendar({ name: 'Empty', shifts: [], now, calendarId: 'c' });
    expect(parseEvents(empty)).toEqual([]);
    expect(empty).toBe(
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Vigil//On-call schedules//EN\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:Empty\r\nEND:VCALENDAR\r\n',
    );
  });
});

describe('iCalendar helpers', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a;b', 'a\\;b'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines', 'two\\nlines'],
    ['crlf\r\nline', 'crlf\\nline'],
    ['bell\u0007', 'bell'],
    ['tab\tkept', 'tab\tkept'],
  ])('escapeText(%j) = %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('foldLine never splits a UTF-8 sequence and round-trips', () => {
    const line = `SUMMARY:${'é🚨x'.repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(75);
      expect(p).not.toMatch(/\uFFFD/);
      expect(p).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/); // no lone surrogates
    }
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('short')).toBe('short');
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('formatUtc', () => {
    expect(formatUtc(utc('2026-11-01T05:30:00.999Z'))).toBe('20261101T053000Z');
  });
});
