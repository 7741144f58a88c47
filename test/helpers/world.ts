/**
 * The whole app wired to fake Slack, SMTP and Twilio servers on loopback, on a fake clock with the
 * engine driven by hand: the world scenario tests run in.
 */
import { FakeClock } from '../../src/core/shared/clock.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp.js';
import { startFakeTwilio, type FakeTwilio } from '../fakes/twilio.js';
import { startTestApp, type StartOptions, type TestApp } from './app.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export interface World {
  t: TestApp;
  clock: FakeClock;
  slack: FakeSlack;
  smtp: SmtpSink;
  twilio: FakeTwilio;
  /** Moves the fake clock forward, running every job due on the way. */
  advance(ms: number): Promise<void>;
  /** Moves the fake clock to an instant, running every job due on the way. */
  advanceTo(at: number): Promise<void>;
  /** Runs what is due now. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(options: { start?: number; config?: Record<string, unknown> } & Pick<StartOptions, 'dialect'> = {}): Promise<World> {
  const clock = new FakeClock(options.start ?? Date.UTC(2027, 0, 4, 9, 0, 0));
  const slack = await startFakeSlack();
  const smtp = await startSmtpSink();
  const twilio = await startFakeTwilio({ accountSid: 'AC00000000000000000000000000000001', authToken: 'twilio-test-token' });
  const t = await startTestApp({
    clock,
    manualEngine: true,
    ...(options.dialect ? { dialect: options.dialect } : {}),
    config: {
      slack: { botToken: 'xoxb-test-token', signingSecret: SIGNING_SECRET, apiUrl: slack.url },
      email: { smtpUrl: `smtp://${smtp.host}:${smtp.port}?ignoreTLS=true`, from: 'Vigil <vigil@example.com>' },
      twilio: { accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+15005550006', apiUrl: twilio.url },
      ...(options.config ?? {}),
    },
  });
  const engine = t.vigil.engine;
  return {
    t,
    clock,
    slack,
    smtp,
    twilio,
    async advance(ms) {
      await engine.advanceTo(clock, clock.now() + ms);
    },
    async advanceTo(at) {
      await engine.advanceTo(clock, at);
    },
    async settle() {
      await t.vigil.intake.settle();
      await engine.runDue();
    },
    async close() {
      await t.close();
      await Promise.all([slack.close(), smtp.close(), twilio.close()]);
    },
  };
}
