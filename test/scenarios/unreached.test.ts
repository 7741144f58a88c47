/**
 * Loud when nobody is reached. The on-call has no working channel: the alert says who was not reached and
 * why, the next escalation step pages at once instead of after the step's 30 minutes, the service's alerts
 * channel hears it, and `vigil_pages_unreached_total` counts it. The same for a page into an incident, and
 * for a person whose only channel fails for good (the mail server refuses the address with 550). When
 * someone else of the step was reached, the step keeps its delay.
 * On SQLite and, when reachable, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, postgresAvailable } from '../helpers/databases.js';
import { startWorld, type World } from '../helpers/world.js';

const pgUp = await postgresAvailable();
const MIN = 60_000;
const ALERTS = 'C0PAYALERTS';
const LEAD_SLACK = 'U0LEADPAY1';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !pgUp)(`a page that reaches nobody (${dialect})`, () => {
    let w: World;
    let nina: { id: string; token: string; email: string };
    let fay: { id: string; token: string; email: string };
    let lead: { id: string; token: string; email: string };
    let key: string;
    let faysKey: string;
    let pairKey: string;

    const og = (k: string, body: unknown) => w.t.api('POST', '/v2/alerts', { token: null, headers: { authorization: `GenieKey ${k}` }, body });
    const dmsToLead = () => w.slack.allMessages().filter((m) => m.channel === LEAD_SLACK || m.channel === w.slack.dmChannelOf(LEAD_SLACK));
    const slackText = (m: { args: Record<string, unknown> }) => `${String(m.args.text ?? '')} ${JSON.stringify(m.args.blocks ?? '')}`;
    const metric = async (labels: string): Promise<number> => {
      const text = String((await w.t.api('GET', '/metrics')).body);
      const line = text.split('\n').find((l) => l.startsWith(`vigil_pages_unreached_total{${labels}}`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const openAlert = async (message: string) => (await w.t.api('GET', `/api/v1/alerts?status=open&q=${encodeURIComponent(message)}`)).body.data[0] as { id: string; number: number };

    beforeAll(async () => {
      w = await startWorld({ dialect });
      nina = await w.t.createUserWithToken('responder', 'nina@example.com'); // no contact method at all
      fay = await w.t.createUserWithToken('responder', 'fay@example.com'); // a verified email the server will refuse
      lead = await w.t.createUserWithToken('responder', 'lead@example.com');
      await w.t.api('PATCH', `/api/v1/users/${lead.id}`, { body: { slackUserId: LEAD_SLACK } });
      const dm = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: lead.token, body: { type: 'slack_dm', address: LEAD_SLACK } });
      await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: lead.token, body: { urgency: 'high', contactMethodId: dm.body.id, delayMinutes: 0 } });

      const email = await w.t.api('POST', '/api/v1/users/me/contact-methods', { token: fay.token, body: { type: 'email', address: fay.email } });
      await w.settle();
      const mail = await w.smtp.waitFor((m) => m.to.includes(fay.email) && /verification code/i.test(m.subject));
      expect((await w.t.api('POST', `/api/v1/contact-methods/${email.body.id}/verify`, { token: fay.token, body: { code: /(\d{6})/.exec(mail.text)![1] } })).status).toBe(200);
      await w.t.api('POST', '/api/v1/users/me/notification-rules', { token: fay.token, body: { urgency: 'high', contactMethodId: email.body.id, delayMinutes: 0 } });

      await w.t.api('POST', '/api/v1/teams', { body: { name: 'Payments', leadUserId: lead.id, memberIds: [nina.id, fay.id, lead.id] } });
      const day = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
      await w.t.api('POST', '/api/v1/schedules', { body: { name: 'Payments primary', teamId: 'payments', timeZone: 'UTC', layers: [{ name: 'Weekly', participants: [nina.id], shift: { unit: 'week', length: 1 }, handoffTime: '09:00', startDate: day }] } });
      for (const [name, first] of [
        ['Payments default', { type: 'schedule', id: 'payments-primary' }],
        ['Payments mail', { type: 'user', id: 'fay@example.com' }],
      ] as const) {
        const policy = await w.t.api('POST', '/api/v1/escalation-policies', { body: { name, teamId: 'payments', steps: [{ delayMinutes: 30, targets: [first] }, { delayMinutes: 30, targets: [{ type: 'user', id: 'lead@example.com' }] }] } });
        expect(policy.status).toBe(201);
      }
      for (const [name, policy] of [
        ['Payments API', 'payments-default'],
        ['Payments mailer', 'payments-mail'],
      ] as const) {
        expect((await w.t.api('POST', '/api/v1/services', { body: { name, teamId: 'payments', escalationPolicyId: policy, alertsChannel: ALERTS } })).status).toBe(201);
      }
      // A step of two people, one of them unreachable; then Fay.
      expect((await w.t.api('POST', '/api/v1/escalation-policies', { body: { name: 'Payments pair', teamId: 'payments', steps: [{ delayMinutes: 30, targets: [{ type: 'user', id: 'nina@example.com' }, { type: 'user', id: 'lead@example.com' }] }, { delayMinutes: 30, targets: [{ type: 'user', id: 'fay@example.com' }] }] } })).status).toBe(201);
      expect((await w.t.api('POST', '/api/v1/services', { body: { name: 'Payments ledger', teamId: 'payments', escalationPolicyId: 'payments-pair', alertsChannel: ALERTS } })).status).toBe(201);
      pairKey = (await w.t.api('POST', '/api/v1/services/payments-ledger/integrations', { body: { name: 'Prometheus', type: 'opsgenie' } })).body.key;
      key = (await w.t.api('POST', '/api/v1/services/payments-api/integrations', { body: { name: 'Prometheus', type: 'opsgenie' } })).body.key;
      faysKey = (await w.t.api('POST', '/api/v1/services/payments-mailer/integrations', { body: { name: 'Prometheus', type: 'opsgenie' } })).body.key;
      w.slack.reset();
    });
    afterAll(async () => w?.close());

    describe('the on-call has no contact method', () => {
      let alertId: string;

      it('shows on the alert who was not reached, and why', async () => {
        expect((await og(key, { message: 'Card payments failing', alias: 'cards', priority: 'P1' })).status).toBe(202);
        await w.advance(2000);
        alertId = (await openAlert('Card payments failing')).id;
        const a = await w.t.api('GET', `/api/v1/alerts/${alertId}`);
        expect(a.status).toBe(200);
        expect(a.body.notReached).toEqual([expect.objectContaining({ userId: nina.id, name: 'nina', reason: 'no_contact_method', detail: 'no verified contact method' })]);
        const notReached = a.body.timeline.filter((e: { type: string }) => e.type === 'alert.not_reached');
        expect(notReached).toEqual([expect.objectContaining({ data: expect.objectContaining({ name: 'nina', escalatedToStep: 2 }) })]);
      });

      it('pages the next step at once, not after the step’s 30 minutes', async () => {
        expect(dmsToLead().map(slackText)).toEqual([expect.stringContaining('Card payments failing')]);
        const timeline = (await w.t.api('GET', `/api/v1/alerts/${alertId}`)).body.timeline as Array<{ type: string; data: Record<string, unknown> }>;
        expect(timeline.filter((e) => e.type === 'alert.escalated').map((e) => e.data.step)).toEqual([1, 2]);
        // The skipped step's timeout does not page the lead a second time.
        await w.advance(31 * MIN);
        expect(dmsToLead()).toHaveLength(1);
      });

      it('says so in the service’s alerts channel', async () => {
        const posts = w.slack.messages(ALERTS).map(slackText).filter((t) => t.includes('Not reached') || t.includes('was not reached'));
        expect(posts).toEqual([expect.stringMatching(/nina was not reached \(no verified contact method\) for alert #\d+ on Payments API\. Escalated to step 2 now\./)]);
      });

      it('counts it on /metrics', async () => {
        expect(await metric('source="alert",reason="no_contact_method"')).toBe(1);
      });

      it('shows it on an incident whose commander cannot be reached', async () => {
        const inc = await w.t.api('POST', '/api/v1/incidents', { body: { title: 'Card payments down', severity: 'P2', alertIds: [alertId], commanderId: nina.id } });
        expect(inc.status).toBe(201);
        await w.advance(2000);
        const detail = await w.t.api('GET', `/api/v1/incidents/${inc.body.id}`);
        expect(detail.status).toBe(200);
        expect(detail.body.notReached).toEqual([expect.objectContaining({ userId: nina.id, name: 'nina', reason: 'no_contact_method' })]);
        expect(detail.body.timeline.map((e: { type: string }) => e.type)).toContain('incident.not_reached');
        const posts = w.slack.allMessages().map(slackText).filter((t) => t.includes(`nina was not reached`) && t.includes(`INC-${inc.body.number}`));
        expect(posts).toHaveLength(1);
        expect(await metric('source="incident",reason="no_contact_method"')).toBe(1);
        await w.t.api('POST', `/api/v1/alerts/${alertId}/close`, { body: {} });
      });
    });

    describe('every channel of the on-call fails', () => {
      it('marks the alert, and pages the next step at once', async () => {
        const before = dmsToLead().length;
        // The mail server refuses Fay's address for good (a permanent 5xx: no retry can help).
        w.smtp.failNext({ stage: 'rcpt', code: 550, message: 'mailbox unavailable' });
        expect((await og(faysKey, { message: 'Payouts stuck', alias: 'payouts', priority: 'P1' })).status).toBe(202);
        await w.advance(5000);
        const alert = await openAlert('Payouts stuck');
        const a = await w.t.api('GET', `/api/v1/alerts/${alert.id}`);
        expect(a.body.notReached).toEqual([expect.objectContaining({ userId: fay.id, name: 'fay', reason: 'channels_failed', detail: expect.stringContaining('every channel failed (email:') })]);
        expect(dmsToLead().slice(before).map(slackText)).toEqual([expect.stringContaining('Payouts stuck')]);
        expect(w.slack.messages(ALERTS).map(slackText).some((t) => t.includes('fay was not reached (every channel failed') && t.includes('Escalated to step 2 now'))).toBe(true);
        expect(await metric('source="alert",reason="channels_failed"')).toBe(1);
      });

      it('clears the mark once the person acknowledges after all', async () => {
        const alert = await openAlert('Payouts stuck');
        const page = (await w.t.api('GET', `/api/v1/pages?user=${fay.id}`)).body.data.find((p: { sourceId: string }) => p.sourceId === alert.id);
        expect(page.status).toBe('exhausted');
        expect((await w.t.api('POST', `/api/v1/pages/${page.id}/acknowledge`, { token: fay.token })).status).toBe(200);
        expect((await w.t.api('GET', `/api/v1/alerts/${alert.id}`)).body.notReached).toEqual([]);
      });
    });

    describe('the on-call’s only channel is down for a while', () => {
      it('marks the alert and pages the next step at once, and still delivers once the channel is back', async () => {
        const before = dmsToLead().length;
        w.smtp.reset();
        w.smtp.refuseConnections(true);
        expect((await og(faysKey, { message: 'Refunds slow', alias: 'refunds', priority: 'P1' })).status).toBe(202);
        await w.advance(10_000);
        const alert = await openAlert('Refunds slow');
        const a = await w.t.api('GET', `/api/v1/alerts/${alert.id}`);
        expect(a.body.notReached).toEqual([expect.objectContaining({ userId: fay.id, reason: 'channels_failed' })]);
        expect(dmsToLead().slice(before).map(slackText)).toEqual([expect.stringContaining('Refunds slow')]);
        // The page is not given up: the email is still pending, and goes out when the server is back.
        const failed = (await w.t.api('GET', `/api/v1/alerts/${alert.id}`)).body.timeline.filter((e: { type: string }) => e.type === 'notification.failed');
        expect(failed).toHaveLength(0);
        w.smtp.refuseConnections(false);
        await w.advance(60_000);
        await w.smtp.waitFor((m) => m.to.includes(fay.email) && m.subject.includes('Refunds slow'));
        await w.t.api('POST', `/api/v1/alerts/${alert.id}/close`, { body: {} });
      });
    });

    describe('one of two people of a step cannot be reached', () => {
      it('marks and posts it, and leaves the step to the one who was reached', async () => {
        const before = dmsToLead().length;
        w.smtp.reset();
        expect((await og(pairKey, { message: 'Ledger drift', alias: 'ledger', priority: 'P1' })).status).toBe(202);
        await w.advance(5000);
        const alert = await openAlert('Ledger drift');
        const a = await w.t.api('GET', `/api/v1/alerts/${alert.id}`);
        expect(a.body.notReached).toEqual([expect.objectContaining({ name: 'nina', reason: 'no_contact_method' })]);
        expect(a.body.timeline.find((e: { type: string }) => e.type === 'alert.not_reached').data.escalatedToStep).toBeUndefined();
        expect(dmsToLead().slice(before).map(slackText)).toEqual([expect.stringContaining('Ledger drift')]);
        expect(w.slack.messages(ALERTS).map(slackText).some((t) => t.includes(`nina was not reached (no verified contact method) for alert #${alert.number}`) && t.includes('Acknowledge the alert if you are on it'))).toBe(true);
        expect(w.smtp.messages.filter((m) => m.to.includes(fay.email))).toHaveLength(0);
        // Nobody acknowledges: the next step comes after the step's delay, as usual.
        await w.advance(30 * MIN);
        await w.smtp.waitFor((m) => m.to.includes(fay.email) && m.subject.includes('Ledger drift'));
      });
    });
  });
}
