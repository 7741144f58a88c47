import { describe, expect, it } from 'vitest';
import { PagerDutyValidationError, parseV1Event, readServiceKey, v1AcceptedBody } from './pagerduty.js';

// Events API v1 as Alertmanager's `service_key` receiver sends it (wire-contracts §3.4) and as documented by PagerDuty.
describe('PagerDuty Events API v1', () => {
  it('maps a trigger', () => {
    const p = parseV1Event({ service_key: 'k', event_type: 'trigger', incident_key: 'i-1', description: 'Disk full', details: { used: 99 }, client: 'Nagios', client_url: 'https://nagios', contexts: [{ type: 'link', href: 'https://runbook', text: 'Runbook' }, { type: 'image', src: 'x' }] });
    expect(p).toEqual({
      serviceKey: 'k',
      incidentKey: 'i-1',
      event: { action: 'trigger', alias: 'i-1', message: 'Disk full', priority: 'P2', source: 'Nagios', details: { used: '99', 'pagerduty.client': 'Nagios' }, links: [{ href: 'https://nagios', text: 'Nagios' }, { href: 'https://runbook', text: 'Runbook' }] },
    });
  });

  it('maps acknowledge and resolve by incident_key', () => {
    expect(parseV1Event({ service_key: 'k', event_type: 'acknowledge', incident_key: 'i-1' }).event).toEqual({ action: 'acknowledge', alias: 'i-1' });
    expect(parseV1Event({ service_key: 'k', event_type: 'resolve', incident_key: 'i-1', description: 'ok' }).event).toEqual({ action: 'close', alias: 'i-1', note: 'ok' });
  });

  it('generates an incident key for a trigger without one; answers like PagerDuty', () => {
    const p = parseV1Event({ service_key: 'k', event_type: 'trigger', description: 'x' }, { generateDedupKey: () => 'gen' });
    expect(p.incidentKey).toBe('gen');
    expect(v1AcceptedBody('gen')).toEqual({ status: 'success', message: 'Event processed', incident_key: 'gen' });
    expect(readServiceKey({ service_key: ' k ' })).toBe('k');
  });

  it.each([
    [[1], 'Event object must be a JSON object'],
    [{ event_type: 'trigger', description: 'x' }, "'service_key' is missing or blank"],
    [{ service_key: 'k', event_type: 'boom' }, "'event_type' is invalid"],
    [{ service_key: 'k', event_type: 'trigger' }, "'description' is missing or blank"],
    [{ service_key: 'k', event_type: 'resolve' }, "'incident_key' is missing or blank"],
    [{ service_key: 'k', event_type: 'trigger', description: 'x', incident_key: { a: 1 } }, "'incident_key' must be a string"],
    [{ service_key: 'k', event_type: 'trigger', description: 'x', contexts: 'no' }, "'contexts' must be an array"],
  ])('refuses %j', (body, reason) => {
    expect(() => parseV1Event(body)).toThrow(PagerDutyValidationError);
    try {
      parseV1Event(body);
    } catch (e) {
      expect((e as PagerDutyValidationError).errors.join(' ')).toContain(reason);
    }
  });
});
