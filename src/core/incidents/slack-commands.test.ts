import { describe, expect, it } from 'vitest';
import { mention, parseIncidentCommand } from './slack-commands.js';

describe('the /incident grammar', () => {
  it('answers help for nothing, help, or an unknown verb (and says which)', () => {
    expect(parseIncidentCommand('')).toEqual({ kind: 'help', asked: true });
    expect(parseIncidentCommand('help')).toEqual({ kind: 'help', asked: true });
    expect(parseIncidentCommand('frobnicate now')).toEqual({ kind: 'help', asked: false });
  });

  it('declares at P2 unless a level is given, and needs a title', () => {
    expect(parseIncidentCommand('declare Checkout is failing')).toEqual({ kind: 'declare', severity: 'P2', title: 'Checkout is failing' });
    expect(parseIncidentCommand('DECLARE p1  Checkout   down')).toEqual({ kind: 'declare', severity: 'P1', title: 'Checkout down' });
    expect(parseIncidentCommand('declare P1')).toMatchObject({ kind: 'reply' });
  });

  it('acts on the incident named first, or on the one found from where it runs', () => {
    expect(parseIncidentCommand('INC-42 sev P1 spreading')).toEqual({ kind: 'act', ref: 'INC-42', action: { type: 'severity', severity: 'P1', reason: 'spreading' } });
    expect(parseIncidentCommand('severity P3')).toEqual({ kind: 'act', action: { type: 'severity', severity: 'P3' } });
    expect(parseIncidentCommand('status Monitoring rolled back')).toEqual({ kind: 'act', action: { type: 'status', status: 'monitoring', reason: 'rolled back' } });
    expect(parseIncidentCommand('resolve all good')).toEqual({ kind: 'act', action: { type: 'resolve', reason: 'all good' } });
    expect(parseIncidentCommand('resolve')).toEqual({ kind: 'act', action: { type: 'resolve' } });
    expect(parseIncidentCommand('update We found the cause')).toEqual({ kind: 'act', action: { type: 'update', text: 'We found the cause' } });
    expect(parseIncidentCommand('note Rolled back v42')).toEqual({ kind: 'act', action: { type: 'note', text: 'Rolled back v42' } });
  });

  it('answers a missing text at once, and a missing argument once the incident is found', () => {
    expect(parseIncidentCommand('update')).toMatchObject({ kind: 'reply' });
    expect(parseIncidentCommand('note')).toMatchObject({ kind: 'reply' });
    expect(parseIncidentCommand('sev')).toMatchObject({ kind: 'act', action: { type: 'usage' } });
    expect(parseIncidentCommand('status')).toMatchObject({ kind: 'act', action: { type: 'usage' } });
    expect(parseIncidentCommand('lead')).toMatchObject({ kind: 'act', action: { type: 'usage' } });
    expect(parseIncidentCommand('page')).toMatchObject({ kind: 'act', action: { type: 'usage' } });
  });

  it('hands over roles to a mentioned person', () => {
    expect(parseIncidentCommand('lead <@U123ABC|kim>')).toEqual({ kind: 'act', action: { type: 'role', role: 'commander', who: 'U123ABC' } });
    expect(parseIncidentCommand('commander @kim')).toEqual({ kind: 'act', action: { type: 'role', role: 'commander', who: 'kim' } });
    expect(parseIncidentCommand('comms kim@example.com')).toEqual({ kind: 'act', action: { type: 'role', role: 'comms', who: 'kim@example.com' } });
  });

  it('pages a person (mention, Slack id or email) or else a team, with an optional note', () => {
    expect(parseIncidentCommand('page <@U123ABC> need you')).toEqual({ kind: 'act', action: { type: 'page', target: { type: 'user', id: 'U123ABC' }, note: 'need you' } });
    expect(parseIncidentCommand('page W99XYZ')).toEqual({ kind: 'act', action: { type: 'page', target: { type: 'user', id: 'W99XYZ' } } });
    expect(parseIncidentCommand('page kim@example.com')).toEqual({ kind: 'act', action: { type: 'page', target: { type: 'user', id: 'kim@example.com' } } });
    expect(parseIncidentCommand('page payments')).toEqual({ kind: 'act', action: { type: 'page', target: { type: 'team', id: 'payments' } } });
  });

  it('reads Slack mentions', () => {
    expect(mention('<@U1ABC|kim>')).toBe('U1ABC');
    expect(mention('<@W1ABC>')).toBe('W1ABC');
    expect(mention('@kim')).toBe('kim');
    expect(mention('payments')).toBe('payments');
  });
});
