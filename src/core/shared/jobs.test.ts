import { describe, expect, it } from 'vitest';
import { ESCALATE_JOB, InvalidJobPayloadError, JIRA_SYNC_JOB, JOB_PAYLOADS, PAGE_UNREACHED_JOB, assertJobPayload, checkedJobSpec, isJobKind, jobPayloadProblem, type JobSpec } from './jobs.js';

describe('job kinds', () => {
  it('knows the registered kinds and nothing else', () => {
    expect(isJobKind(ESCALATE_JOB)).toBe(true);
    expect(isJobKind('alert.escalate')).toBe(true);
    expect(isJobKind('no.such.kind')).toBe(false);
    expect(isJobKind('toString')).toBe(false);
    expect(Object.keys(JOB_PAYLOADS).every(isJobKind)).toBe(true);
  });

  it('names the first problem of a payload', () => {
    expect(jobPayloadProblem(ESCALATE_JOB, { alertId: 'a', step: 1, round: 0 })).toBeUndefined();
    expect(jobPayloadProblem(ESCALATE_JOB, { alertId: 'a', step: 1, round: 0, extra: true })).toBeUndefined();
    expect(jobPayloadProblem(ESCALATE_JOB, { alertId: 'a', step: 1.5, round: 0 })).toBe('/step: Expected integer');
    expect(jobPayloadProblem(ESCALATE_JOB, { step: 1, round: 0 })).toBe('/alertId: Expected required property');
    expect(jobPayloadProblem(ESCALATE_JOB, null)).toBe('/: Expected object');
    expect(jobPayloadProblem(PAGE_UNREACHED_JOB, { pageId: 'p', sourceType: 'alert', sourceId: null, userId: 'u', reason: 'gone', detail: '' })).toMatch(/^\/reason: /);
    expect(jobPayloadProblem(JIRA_SYNC_JOB, {})).toBeUndefined();
  });

  it('throws a typed error for an invalid payload', () => {
    expect(() => assertJobPayload(ESCALATE_JOB, { alertId: 7, step: 1, round: 0 })).toThrow(InvalidJobPayloadError);
    expect(() => assertJobPayload(ESCALATE_JOB, { alertId: 7, step: 1, round: 0 })).toThrow('Invalid payload for job kind "alert.escalate": /alertId: Expected string');
  });

  it('checks a payload known only at run time', () => {
    expect(checkedJobSpec(ESCALATE_JOB, { alertId: 'a', step: 1, round: 0 }, { dedupeKey: 'k' })).toEqual({ kind: ESCALATE_JOB, payload: { alertId: 'a', step: 1, round: 0 }, dedupeKey: 'k' });
    expect(() => checkedJobSpec(ESCALATE_JOB, { alertId: 'a' })).toThrow(InvalidJobPayloadError);
  });

  it('types a job spec by its kind', () => {
    const ok: JobSpec[] = [{ kind: ESCALATE_JOB, payload: { alertId: 'a', step: 1, round: 0 } }, { kind: JIRA_SYNC_JOB }];
    // @ts-expect-error a payload of another shape
    const wrong: JobSpec = { kind: ESCALATE_JOB, payload: { alertId: 1, step: 1, round: 0 } };
    // @ts-expect-error a required payload left out
    const missing: JobSpec = { kind: ESCALATE_JOB };
    // @ts-expect-error an unknown kind
    const unknown: JobSpec = { kind: 'no.such.kind' };
    expect([ok, wrong, missing, unknown]).toHaveLength(4);
  });
});
