import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from '../../../core/notifications/channels.js';
import { startFakeTwilio, type FakeTwilio } from '../../../../test/fakes/twilio.js';
import { SMS_MAX_LENGTH, SmsChannel, TWIML_MAX_LENGTH, VoiceChannel, smsBody, voiceTwiml, type SmsVoiceProvider } from './provider.js';
import { parseRetryAfter } from '../../shared/http.js';
import { TwilioProvider, twilioSignature, verifyTwilioSignature } from './twilio.js';

let twilio: FakeTwilio;
let provider: TwilioProvider;
let sms: SmsChannel;
let voice: VoiceChannel;

beforeAll(async () => {
  twilio = await startFakeTwilio();
  provider = new TwilioProvider({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+15005550006', baseUrl: twilio.url, timeoutMs: 3000 });
  sms = new SmsChannel(provider);
  voice = new VoiceChannel(provider);
});

afterAll(async () => {
  await twilio.close();
});

afterEach(() => twilio.reset());

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return { id: 'dlv_1', channel: 'sms', to: '+4915112345678', subject: '[P1] #42 Disk full', text: 'db-1 /var at 97% <critical> & rising', ...overrides };
}

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('SmsChannel over Twilio', () => {
  it('posts a form-encoded message with Basic auth and returns the SID', async () => {
    const result = await sms.send(message());
    const [sent] = twilio.messages;
    expect(sent).toMatchObject({ to: '+4915112345678', from: '+15005550006', body: '[P1] #42 Disk full\ndb-1 /var at 97% <critical> & rising' });
    expect(result.providerMessageId).toBe(sent!.sid);
    expect(sent!.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.requests[0]).toMatchObject({ resource: 'Messages', status: 201, user: twilio.accountSid });
  });

  it('trims to 1600 characters', async () => {
    await sms.send(message({ text: 'x'.repeat(5000) }));
    expect(twilio.messages[0]!.body).toHaveLength(SMS_MAX_LENGTH);
    expect(twilio.messages[0]!.body.endsWith('…')).toBe(true);
  });

  it('uses a Messaging Service and an API key when configured', async () => {
    const withService = new TwilioProvider({
      accountSid: twilio.accountSid,
      authToken: '',
      apiKey: { sid: 'SKnotaccepted', secret: 'x' },
      messagingServiceSid: 'MG123',
      baseUrl: twilio.url,
    });
    // the fake accepts no API key by default: a 401 is a permanent error
    expect(await expectChannelError(withService.sendSms('+4915112345678', 'hi'))).toMatchObject({ retryable: false, code: 'twilio_20003' });
    const keyed = await startFakeTwilio({ apiKey: { sid: 'SK1', secret: 's' } });
    try {
      const p = new TwilioProvider({
        accountSid: keyed.accountSid,
        authToken: '',
        apiKey: { sid: 'SK1', secret: 's' },
        messagingServiceSid: 'MG123',
        baseUrl: keyed.url,
      });
      await p.sendSms('+4915112345678', 'hi');
      expect(keyed.messages[0]).toMatchObject({ messagingServiceSid: 'MG123', from: undefined });
      expect(keyed.requests[0]!.user).toBe('SK1');
    } finally {
      await keyed.close();
    }
  });

  it('sends a verification code', async () => {
    await sms.sendVerification('+4915112345678', '482913');
    expect(twilio.messages[0]!.body).toBe('Your Vigil verification code is 482913');
  });

  it('429 -> retryable with Retry-After', async () => {
    twilio.failNext('Messages', { status: 429, retryAfter: 7 });
    const error = await expectChannelError(sms.send(message()));
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 7000, code: 'twilio_20429' });
    expect(twilio.messages).toHaveLength(0);
  });

  it('21211 invalid number -> permanent', async () => {
    twilio.rejectNumber('+4915199999999');
    expect(await expectChannelError(sms.send(message({ to: '+4915199999999' })))).toMatchObject({ retryable: false, code: 'twilio_21211' });
    twilio.failNext('Messages', { status: 400, code: 21610 });
    expect(await expectChannelError(sms.send(message()))).toMatchObject({ retryable: false, code: 'twilio_21610' });
  });

  it('a number that is not E.164 is refused before calling Twilio', async () => {
    expect(await expectChannelError(sms.send(message({ to: '0151 12345678' })))).toMatchObject({ retryable: false, code: 'invalid_number' });
    expect(twilio.requests).toHaveLength(0);
    // formatting characters around a valid E.164 number are removed
    await sms.send(message({ to: '+49 151 1234-5678' }));
    expect(twilio.messages[0]!.to).toBe('+4915112345678');
  });

  it('5xx and network errors -> retryable; wrong credentials -> permanent', async () => {
    twilio.failNext('*', { status: 503 });
    expect(await expectChannelError(sms.send(message()))).toMatchObject({ retryable: true, code: 'http_503' });
    const dead = new TwilioProvider({ accountSid: 'AC1', authToken: 't', from: '+15005550006', baseUrl: 'http://127.0.0.1:9' });
    expect(await expectChannelError(dead.sendSms('+4915112345678', 'x'))).toMatchObject({ retryable: true, code: 'network' });
    const wrong = new TwilioProvider({ accountSid: twilio.accountSid, authToken: 'wrong', from: '+15005550006', baseUrl: twilio.url });
    expect(await expectChannelError(wrong.sendSms('+4915112345678', 'x'))).toMatchObject({ retryable: false, code: 'twilio_20003' });
  });
});

describe('VoiceChannel over Twilio', () => {
  it('places a call with escaped TwiML that repeats the message', async () => {
    const result = await voice.send(message({ channel: 'voice' }));
    const [call] = twilio.calls;
    expect(result.providerMessageId).toBe(call!.sid);
    expect(call!.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call).toMatchObject({ to: '+4915112345678', from: '+15005550006' });
    const spoken = '[P1] #42 Disk full. db-1 /var at 97% &lt;critical&gt; &amp; rising';
    expect(call!.twiml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Say>This is Vigil.</Say><Say>${spoken}</Say><Pause length="1"/><Say>${spoken}</Say></Response>`,
    );
    expect(call!.params.Timeout).toBe('30');
  });

  it('keeps long scripts within 4000 characters', async () => {
    await voice.send(message({ channel: 'voice', text: 'word & '.repeat(2000) }));
    const twiml = twilio.calls[0]!.twiml!;
    expect(twiml.length).toBeLessThanOrEqual(TWIML_MAX_LENGTH);
    expect(twiml).toMatch(/…<\/Say><\/Response>$/);
    expect(twiml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('reads a verification code digit by digit', async () => {
    await voice.sendVerification('+4915112345678', '4829');
    expect(twilio.calls[0]!.twiml).toContain('<Say>Your Vigil verification code is 4 8 2 9.</Say>');
  });

  it('maps call errors like message errors', async () => {
    twilio.failNext('Calls', { status: 429, retryAfter: 3 });
    expect(await expectChannelError(voice.send(message()))).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    twilio.rejectNumber('+4915100000000');
    expect(await expectChannelError(voice.send(message({ to: '+4915100000000' })))).toMatchObject({ retryable: false, code: 'twilio_21211' });
  });

  it('plain text given to call() is wrapped in <Say>', async () => {
    await provider.call('+4915112345678', 'Hello & goodbye');
    expect(twilio.calls[0]!.twiml).toBe('<Response><Say>Hello &amp; goodbye</Say></Response>');
  });
});

describe('provider independence', () => {
  it('SmsChannel and VoiceChannel work with any SmsVoiceProvider', async () => {
    const sent: string[] = [];
    const fake: SmsVoiceProvider = {
      name: 'memory',
      sendSms: async (to, body) => {
        sent.push(`${to}:${body}`);
        return { id: 'm1' };
      },
      call: async (to, twiml) => {
        sent.push(`${to}:${twiml.length}`);
        return { id: 'c1' };
      },
    };
    expect(await new SmsChannel(fake).send(message())).toEqual({ providerMessageId: 'm1' });
    expect(await new VoiceChannel(fake).send(message())).toEqual({ providerMessageId: 'c1' });
    expect(sent).toHaveLength(2);
  });

  it('smsBody and voiceTwiml', () => {
    expect(smsBody('Alert', 'Alert: already prefixed')).toBe('Alert: already prefixed');
    expect(smsBody('', 'just text')).toBe('just text');
    expect(smsBody('only subject', '')).toBe('only subject');
    expect(voiceTwiml('a', { repeat: 1, voice: 'Polly.Joanna', language: 'en-US' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">a</Say></Response>',
    );
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('Twilio request signatures (incoming SMS replies)', () => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };

  it('signs the URL and the sorted parameters with HMAC-SHA1 of the auth token (Twilio’s documented example)', () => {
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('accepts the right signature only', () => {
    expect(verifyTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(verifyTwilioSignature('12345', url, { ...params, Digits: '1235' }, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilioSignature('54321', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature('12345', url, params, 'short')).toBe(false);
  });
});
