import { describe, expect, it } from 'vitest';
import { signSlackRequest, slackSignatureHeaders, verifySlackSignature } from './signature.js';

const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
const now = 1_531_420_618;
const rawBody =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

describe('verifySlackSignature', () => {
  it('matches the worked example of Slack’s documentation', () => {
    // docs.slack.dev "Verifying requests from Slack": this body, secret and timestamp give this signature.
    expect(signSlackRequest({ signingSecret, timestamp: now, rawBody })).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
    expect(
      verifySlackSignature({
        signingSecret,
        timestamp: String(now),
        signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
        rawBody,
        nowSeconds: now,
      }),
    ).toBe(true);
  });

  it('accepts a fresh signature over the exact raw body, as a string or a Buffer', () => {
    const h = slackSignatureHeaders(signingSecret, rawBody, now);
    const input = { signingSecret, timestamp: h['X-Slack-Request-Timestamp'], signature: h['X-Slack-Signature'], nowSeconds: now + 10 };
    expect(verifySlackSignature({ ...input, rawBody })).toBe(true);
    expect(verifySlackSignature({ ...input, rawBody: Buffer.from(rawBody) })).toBe(true);
  });

  const good = () => {
    const h = slackSignatureHeaders(signingSecret, rawBody, now);
    return { signingSecret, timestamp: h['X-Slack-Request-Timestamp'], signature: h['X-Slack-Signature'], rawBody, nowSeconds: now };
  };

  it.each([
    ['another secret', { signingSecret: 'not-the-secret' }],
    ['a changed body', { rawBody: rawBody.replace('roadrunner', 'coyote') }],
    ['a re-encoded body (parsed then serialised)', { rawBody: new URLSearchParams(rawBody).toString().replace(/%2F/g, '/') }],
    ['a stale timestamp (6 minutes old)', { nowSeconds: now + 361 }],
    ['a timestamp from the future', { nowSeconds: now - 301 }],
    ['a signature for another timestamp', { timestamp: String(now + 1) }],
    ['a v1 prefix', { signature: good().signature!.replace('v0=', 'v1=') }],
    ['no prefix', { signature: good().signature!.slice(3) }],
    ['a truncated signature', { signature: good().signature!.slice(0, 40) }],
    ['non-hex characters', { signature: `v0=${'z'.repeat(64)}` }],
    ['a missing signature', { signature: undefined }],
    ['a missing timestamp', { timestamp: undefined }],
    ['a non-numeric timestamp', { timestamp: '1531420618abc' }],
    ['an empty secret', { signingSecret: '' }],
  ])('rejects %s', (_label, change) => {
    expect(verifySlackSignature({ ...good(), ...change })).toBe(false);
  });

  it('honours a custom tolerance and accepts the edge of the default one', () => {
    expect(verifySlackSignature({ ...good(), nowSeconds: now + 300 })).toBe(true);
    expect(verifySlackSignature({ ...good(), nowSeconds: now + 30, toleranceSeconds: 10 })).toBe(false);
  });
});
