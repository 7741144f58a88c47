/**
 * Your own account, guarded: a stolen token or an open session alone cannot take it over. Setting
 * a new password needs the current one; a new email takes effect only once a code sent to it (over
 * SMTP) comes back; a Slack identity can be linked only when Slack's directory lists it for your
 * email (users.lookupByEmail, https://api.slack.com/methods/users.lookupByEmail), so nobody can
 * claim someone else's Slack account. Admins still manage other people's accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

let w: World;
let kim: { id: string; token: string; email: string };
const KIM_SLACK = 'U0KIM00001';
const BOSS_SLACK = 'U0BOSS0001';

beforeAll(async () => {
  w = await startWorld();
  kim = await w.t.createUserWithToken('responder', 'kim@example.com');
  expect((await w.t.api('PATCH', `/api/v1/users/${kim.id}`, { body: { password: 'kim-first-password' } })).status).toBe(200);
  w.slack.addUser({ id: KIM_SLACK, name: 'kim', email: 'kim@example.com' } as never);
  w.slack.addUser({ id: BOSS_SLACK, name: 'boss', email: 'boss@example.com' } as never);
});
afterAll(async () => w?.close());

const me = (path: string, body: unknown) => w.t.api('POST', `/api/v1/me/${path}`, { token: kim.token, body });
const patchMe = (body: unknown) => w.t.api('PATCH', `/api/v1/users/${kim.id}`, { token: kim.token, body });

describe('your password', () => {
  it('is not changed with a token alone', async () => {
    const res = await patchMe({ password: 'taken-over-password' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'current_password_required', details: { field: 'currentPassword' } });
    const wrong = await me('password', { currentPassword: 'not-it-at-all', newPassword: 'taken-over-password' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'wrong_current_password', details: { field: 'currentPassword' } });
    expect((await w.t.api('POST', '/api/v1/auth/login', { token: null, body: { email: kim.email, password: 'kim-first-password' } })).status).toBe(200);
  });

  it('changes with the current one, and only the new one signs in', async () => {
    expect((await me('password', { currentPassword: 'kim-first-password', newPassword: 'kim-second-password' })).status).toBe(204);
    expect((await w.t.api('POST', '/api/v1/auth/login', { token: null, body: { email: kim.email, password: 'kim-first-password' } })).status).toBe(401);
    expect((await w.t.api('POST', '/api/v1/auth/login', { token: null, body: { email: kim.email, password: 'kim-second-password' } })).status).toBe(200);
    // The PATCH form works too, with the current password.
    expect((await patchMe({ password: 'kim-third-password', currentPassword: 'kim-second-password' })).status).toBe(200);
    expect((await w.t.api('POST', '/api/v1/auth/login', { token: null, body: { email: kim.email, password: 'kim-third-password' } })).status).toBe(200);
  });
});

describe('your email', () => {
  it('changes only once the code sent to the new address comes back', async () => {
    const direct = await patchMe({ email: 'attacker@example.net' });
    expect(direct.status).toBe(400);
    expect(direct.body.error.code).toBe('email_change_needs_verification');

    const asked = await me('email', { email: 'kim.new@example.com' });
    expect(asked.status).toBe(202);
    expect(asked.body.pendingEmail).toBe('kim.new@example.com');
    expect((await w.t.api('GET', `/api/v1/users/${kim.id}`)).body.email).toBe('kim@example.com');

    await w.settle();
    const mail = await w.smtp.waitFor((m) => m.to.includes('kim.new@example.com') && /confirm your new email/i.test(m.subject));
    const code = /code: (\d{8})/.exec(mail.text)![1]!;

    const wrong = await me('email/confirm', { code: '00000000' === code ? '11111111' : '00000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'wrong_code', details: { field: 'code' } });
    const ok = await me('email/confirm', { code });
    expect(ok.status).toBe(200);
    expect(ok.body.email).toBe('kim.new@example.com');
    // A code works once.
    expect((await me('email/confirm', { code })).status).toBe(400);
    kim.email = 'kim.new@example.com';
  });

  it('is refused when the address belongs to someone else', async () => {
    const res = await me('email', { email: 'admin@example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
  });
});

describe('your Slack identity', () => {
  it("cannot be set to someone else's Slack account", async () => {
    const res = await patchMe({ slackUserId: BOSS_SLACK });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'slack_identity_unverified', details: { field: 'slackUserId' } });
    expect((await w.t.api('GET', `/api/v1/users/${kim.id}`)).body.slackUserId).toBeNull();
  });

  it('links the account Slack lists for your email', async () => {
    // Kim's Vigil email changed above; Slack knows her by the new one now.
    w.slack.addUser({ id: KIM_SLACK, name: 'kim', email: 'kim.new@example.com' } as never);
    const res = await patchMe({ slackUserId: KIM_SLACK });
    expect(res.status).toBe(200);
    expect(res.body.slackUserId).toBe(KIM_SLACK);
    const timeline = (await w.t.api('GET', `/api/v1/users/${kim.id}/timeline`)).body.data;
    expect(timeline).toContainEqual(expect.objectContaining({ type: 'user.slack_linked', data: { slackUserId: KIM_SLACK, via: 'directory' } }));
  });

  it('stays an admin power for other people', async () => {
    expect((await w.t.api('PATCH', `/api/v1/users/${kim.id}`, { body: { slackUserId: 'U0OTHER001' } })).status).toBe(200);
  });
});
