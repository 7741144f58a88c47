/**
 * iCalendar (RFC 5545) export of on-call shifts, for calendar subscriptions.
 *
 * Each shift becomes a VEVENT in UTC. Its UID is a hash of (calendarId, layer or override id, user,
 * start), so re-fetching the feed updates events instead of duplicating them. Note that a shift cut by
 * the feed window's start gets that window start as its start (and so a new UID): feed builders should
 * start the window at a stable instant (e.g. local midnight N days back) rather than at "now".
 */
import { createHash } from 'node:crypto';
import type { FinalShift, Shift } from './model.js';

export interface ICalShift {
  userId: string;
  start: number;
  end: number;
  source?: FinalShift['source'] | Shift['source'];
  layerId?: string;
  overrideId?: string;
  replacedUserId?: string;
}

export interface ICalendarInput {
  /** Calendar name (X-WR-CALNAME), e.g. "Payments primary". */
  name: string;
  shifts: readonly ICalShift[];
  /** DTSTAMP, epoch ms: passed in, core code has no clock. */
  now: number;
  /** Stable id of the feed (schedule id, or schedule + user for a personal feed): part of every UID. */
  calendarId: string;
  /** Display names by user id; the id is shown when missing. */
  userNames?: Record<string, string>;
}

const CRLF = '\r\n';

/** TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newlines; other controls dropped. */
export function escapeText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === ';') out += '\\;';
    else if (ch === ',') out += '\\,';
    else if (ch === '\r') {
      out += '\\n';
      if (s[i + 1] === '\n') i++;
    } else if (ch === '\n') out += '\\n';
    else if ((c < 0x20 && c !== 0x09) || c === 0x7f) continue;
    else out += ch;
  }
  return out;
}

const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/** Folds a content line to at most 75 octets per line (RFC 5545 3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let cur = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const len = utf8Length(ch.codePointAt(0)!);
    if (octets + len > limit) {
      parts.push(cur);
      cur = ' ';
      octets = 1;
      limit = 75;
    }
    cur += ch;
    octets += len;
  }
  parts.push(cur);
  return parts.join(CRLF);
}

/** 'YYYYMMDDTHHMMSSZ' for an instant (seconds; milliseconds are dropped). */
export function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-03-02T15:00:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The stable UID of a shift in a feed. */
export function shiftUid(calendarId: string, shift: ICalShift): string {
  const origin = shift.overrideId !== undefined ? `override:${shift.overrideId}` : `layer:${shift.layerId ?? ''}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([calendarId, origin, shift.userId, shift.start]))
    .digest('hex');
  return `${digest.slice(0, 32)}@vigil`;
}

/** RFC 5545 text (CRLF line endings, folded lines) with one VEVENT per shift. */
export function scheduleToICalendar(input: ICalendarInput): string {
  const names = input.userNames ?? {};
  const nameOf = (id: string): string => names[id] ?? id;
  const stamp = formatUtc(input.now);
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Vigil//On-call schedules//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(input.name)}`,
  ];
  const shifts = [...input.shifts].sort((a, b) => a.start - b.start || a.end - b.end);
  for (const s of shifts) {
    if (!(s.end > s.start)) continue;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${shiftUid(input.calendarId, s)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${formatUtc(s.start)}`,
      `DTEND:${formatUtc(s.end)}`,
      `SUMMARY:${escapeText(`On call: ${nameOf(s.userId)}`)}`,
    );
    if (s.source === 'override') {
      const who = s.replacedUserId !== undefined ? ` covering for ${nameOf(s.replacedUserId)}` : '';
      lines.push(`DESCRIPTION:${escapeText(`Override${who}.`)}`);
    }
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
