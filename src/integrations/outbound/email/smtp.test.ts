import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from '../../../core/notifications/channels.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/fakes/smtp.js';
import { EmailChannel, deliveryMessageId, encodeIdPart, textToHtml, threadRootId, toEmailChannelError } from './smtp.js';

let sink: SmtpSink;
let email: EmailChannel;

beforeAll(async () => {
  sink = await startSmtpSink();
  email = new EmailChannel({ host: sink.host, port: sink.port, ignoreTLS: true, from: 'Vigil <vigil@oncall.example.com>' });
});

afterAll(async () => {
  email.close();
  await sink.close();
});

afterEach(() => sink.reset());

function message(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: '01J9ZQ3K7V8N2M4P6R8T0W2Y4A',
    channel: 'email',
    to: 'ada@example.com',
    subject: '[Vigil] INC-42 Checkout errors',
    text: 'Error rate 12% on checkout <api>.\nSee https://vigil.example.com/incidents/42 for details.\n\nSeverity: SEV1 & rising',
    threadKey: 'incident:42',
    ...overrides,
  };
}

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelError);
  return error as ChannelError;
}

describe('EmailChannel', () => {
  it('sends multipart text + generated HTML with a deterministic Message-ID and thread headers', async () => {
    const result = await email.send(message());
    const mail = await sink.waitFor();
    const root = '<thread-incident=3A42@vigil.oncall.example.com>';
    expect(mail).toMatchObject({
      envelopeFrom: 'vigil@oncall.example.com',
      to: ['ada@example.com'],
      subject: '[Vigil] INC-42 Checkout errors',
      messageId: '<01J9ZQ3K7V8N2M4P6R8T0W2Y4A@vigil.oncall.example.com>',
      inReplyTo: root,
      references: [root],
      contentType: 'multipart/alternative',
    });
    expect(result.providerMessageId).toBe(mail.messageId);
    expect(mail.from).toMatch(/^"?Vigil"? <vigil@oncall\.example\.com>$/);
    expect(mail.text.trim()).toBe(message().text);
    expect(mail.html).toContain('Error rate 12% on checkout &lt;api&gt;.<br>');
    expect(mail.html).toContain('<a href="https://vigil.example.com/incidents/42">https://vigil.example.com/incidents/42</a>');
    expect(mail.html).toContain('Severity: SEV1 &amp; rising');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(mail.headers['x-vigil-delivery-id']).toBe('01J9ZQ3K7V8N2M4P6R8T0W2Y4A');
    expect(mail.headers.date).toBeTruthy();
    // text/plain comes before text/html (least to most faithful)
    expect(mail.raw.indexOf('text/plain')).toBeLessThan(mail.raw.indexOf('text/html'));
  });

  it('threads every update of one incident under the same root, each with its own Message-ID', async () => {
    await email.send(message({ id: 'dlv_a' }));
    await email.send(message({ id: 'dlv_b', subject: '[Vigil] INC-42 Checkout errors', text: 'Resolved.' }));
    await email.send(message({ id: 'dlv_c', threadKey: 'incident:43' }));
    const [a, b, c] = sink.messages;
    expect(a!.messageId).not.toBe(b!.messageId);
    expect(a!.references).toEqual(b!.references);
    expect(a!.inReplyTo).toBe(b!.inReplyTo);
    expect(c!.inReplyTo).not.toBe(a!.inReplyTo);
  });

  it('sends without thread headers when there is no threadKey, and keeps a given HTML part', async () => {
    await email.send(message({ threadKey: undefined, html: '<p>custom</p>' }));
    const mail = await sink.waitFor();
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toEqual([]);
    expect(mail.html).toBe('<p>custom</p>');
  });

  it('sends a verification code', async () => {
    await email.sendVerification('bob@example.com', '482913');
    const mail = await sink.waitFor((m) => m.to.includes('bob@example.com'));
    expect(mail.subject).toBe('Your Vigil verification code');
    expect(mail.text).toContain('482913');
    expect(mail.messageId).toMatch(/^<verify-[0-9a-f-]+@vigil\.oncall\.example\.com>$/);
  });

  it('authenticates when configured', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'vigil', pass: 's3cret' } });
    const good = new EmailChannel({
      host: authSink.host,
      port: authSink.port,
      ignoreTLS: true,
      auth: { user: 'vigil', pass: 's3cret' },
      from: 'vigil@example.org',
    });
    const bad = new EmailChannel({
      host: authSink.host,
      port: authSink.port,
      ignoreTLS: true,
      auth: { user: 'vigil', pass: 'nope' },
      from: 'vigil@example.org',
    });
    try {
      await good.send(message());
      expect((await authSink.waitFor()).user).toBe('vigil');
      expect(await expectChannelError(bad.send(message()))).toMatchObject({ retryable: false, code: 'smtp_535' });
    } finally {
      good.close();
      bad.close();
      await authSink.close();
    }
  });

  describe('error mapping', () => {
    it.each([
      ['rcpt', 450, true],
      ['rcpt', 452, true],
      ['mail', 421, true],
      ['data', 451, true],
      ['rcpt', 550, false],
      ['rcpt', 553, false],
      ['data', 554, false],
      ['mail', 552, false],
    ] as const)('%s refused with %i -> retryable %s', async (stage, code, retryable) => {
      sink.failNext({ stage, code });
      const error = await expectChannelError(email.send(message()));
      expect(error).toMatchObject({ retryable, code: `smtp_${code}` });
      expect(sink.messages).toHaveLength(0);
    });

    it('connection refused -> retryable', async () => {
      const dead = new EmailChannel({ host: '127.0.0.1', port: 9, ignoreTLS: true, from: 'vigil@example.org', connectionTimeoutMs: 2000 });
      const error = await expectChannelError(dead.send(message()));
      expect(error.retryable).toBe(true);
      expect(['econnection', 'esocket']).toContain(error.code);
    });

    it('a malformed address is permanent without contacting the server', async () => {
      expect(await expectChannelError(email.send(message({ to: 'not an address' })))).toMatchObject({ retryable: false, code: 'invalid_address' });
    });

    it('an aborted send is retryable', async () => {
      const controller = new AbortController();
      controller.abort();
      expect(await expectChannelError(email.send(message(), controller.signal))).toMatchObject({ retryable: true });
    });

    it('maps bare nodemailer codes', () => {
      expect(toEmailChannelError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })).retryable).toBe(true);
      expect(toEmailChannelError(Object.assign(new Error('x'), { code: 'EENVELOPE' })).retryable).toBe(false);
      expect(toEmailChannelError(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 454 })).retryable).toBe(true);
    });
  });
});

describe('ids and HTML', () => {
  it('encodes ids injectively into valid Message-ID atoms', () => {
    expect(encodeIdPart('alert:1 2')).toBe('alert=3A1=202');
    expect(encodeIdPart('a=3A')).toBe('a=3D3A');
    expect(encodeIdPart('a..b.')).toBe('a=2E=2Eb=2E');
    expect(deliveryMessageId('x', 'example.com')).toBe('<x@vigil.example.com>');
    expect(threadRootId('alert:9', 'example.com')).toBe('<thread-alert=3A9@vigil.example.com>');
  });

  it('escapes HTML', () => {
    expect(textToHtml('<b>', 'x "y" & \'z\'')).toContain('<p style="margin:0 0 12px 0">x &quot;y&quot; &amp; &#39;z&#39;</p>');
    expect(textToHtml('<b>', '')).toContain('<title>&lt;b&gt;</title>');
  });
});
