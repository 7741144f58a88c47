/**
 * Replies to paging SMS: Twilio's incoming-message webhook (`POST /hooks/twilio/sms`, form-encoded,
 * signed with `X-Twilio-Signature`). `ACK` acknowledges the sender's open pages; the answer is TwiML,
 * which Twilio sends back as an SMS. Point the Twilio number's "A message comes in" webhook here.
 */
import { handleSmsReply } from '../../core/notifications/pages.js';
import { escapeXml } from '../../integrations/outbound/sms/provider.js';
import { verifyTwilioSignature } from '../../integrations/outbound/sms/twilio.js';
import { errorBody } from '../errors.js';
import type { App, HttpDeps } from '../types.js';

export const SMS_REPLY_PATH = '/hooks/twilio/sms';

const twiml = (text: string) => `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(text)}</Message></Response>`;

/** The route, given the Twilio auth token that signs its requests (none: SMS replies are off). */
export function smsReplyRoutes(authToken: string | undefined) {
  return (app: App, deps: HttpDeps): void => {
    void app.register(async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
      scope.post(SMS_REPLY_PATH, { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
        if (!authToken) return reply.status(404).send(errorBody('sms_not_configured', 'SMS is not configured: set VIGIL_TWILIO_AUTH_TOKEN to accept replies.'));
        const params = Object.fromEntries(new URLSearchParams(typeof req.body === 'string' ? req.body : ''));
        // Twilio signs the URL it was given: the public URL of this path, query included.
        const url = `${deps.config.publicUrl.replace(/\/$/, '')}${req.url}`;
        const signature = req.headers['x-twilio-signature'];
        if (!verifyTwilioSignature(authToken, url, params, typeof signature === 'string' ? signature : undefined)) {
          return reply.status(403).send(errorBody('invalid_signature', `The X-Twilio-Signature does not match a request to ${url} signed with the configured auth token.`));
        }
        if (!params.From || params.Body === undefined) {
          return reply.status(400).send(errorBody('invalid_message', 'An incoming message needs From and Body.', { field: params.From ? 'Body' : 'From' }));
        }
        const text = await handleSmsReply(deps.core, params.From, params.Body);
        return reply.type('text/xml; charset=utf-8').send(twiml(text));
      });
    });
  };
}
