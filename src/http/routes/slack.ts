/**
 * The Slack app's request URLs: slash commands, interactivity and events. Every request is checked
 * against Slack's signature (v0 HMAC of the raw body) and timestamp (at most 5 minutes old), and a
 * signature seen before is refused, so a captured request cannot be replayed. Then the handler that
 * a domain registered runs as the Vigil user linked to the Slack user.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifySlackSignature } from '../../integrations/outbound/slack/signature.js';
import { notLinkedReply, type SlackContext, type SlackReply } from '../../core/notifications/slack-app.js';
import { errorBody } from '../errors.js';
import type { App, HttpDeps } from '../types.js';

const REPLAY_WINDOW_S = 300;

class ReplayGuard {
  private seen = new Map<string, number>();
  /** True the first time a signature is seen within the window. */
  firstSeen(signature: string, nowS: number): boolean {
    if (this.seen.size > 10_000) for (const [k, t] of this.seen) if (t < nowS - REPLAY_WINDOW_S) this.seen.delete(k);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, nowS);
    return true;
  }
}

function toSlackResponse(reply: SlackReply) {
  return {
    response_type: reply.responseType ?? 'ephemeral',
    text: reply.text,
    ...(reply.blocks ? { blocks: reply.blocks } : {}),
    ...(reply.replaceOriginal ? { replace_original: true } : {}),
  };
}

export function slackRoutes(app: App, deps: HttpDeps): void {
  const slack = deps.slack;
  const guard = new ReplayGuard();

  void app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser(['application/x-www-form-urlencoded', 'application/json'], { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));

    const verified = (req: FastifyRequest, reply: FastifyReply): boolean => {
      if (!slack?.signingSecret) {
        void reply.status(503).send(errorBody('slack_not_configured', 'The Slack app is not configured on this Vigil (VIGIL_SLACK_SIGNING_SECRET).'));
        return false;
      }
      const timestamp = String(req.headers['x-slack-request-timestamp'] ?? '');
      const signature = String(req.headers['x-slack-signature'] ?? '');
      const nowS = Math.floor(deps.core.clock.now() / 1000);
      const ok = verifySlackSignature({ signingSecret: slack.signingSecret, timestamp, signature, rawBody: String(req.body ?? ''), nowSeconds: nowS, toleranceSeconds: REPLAY_WINDOW_S });
      if (!ok || !guard.firstSeen(signature, nowS)) {
        void reply.status(401).send(errorBody('invalid_slack_signature', ok ? 'This request was seen before (replay).' : 'The Slack signature or timestamp is wrong or stale.'));
        return false;
      }
      return true;
    };

    async function contextFor(slackUserId: string, extra: Omit<SlackContext, 'slackUserId' | 'user'>): Promise<SlackContext> {
      const user = await slack!.resolveUser(slackUserId);
      return { slackUserId, ...extra, ...(user ? { user } : {}) };
    }

    scope.post('/slack/commands', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      if (!verified(req, reply)) return reply;
      const form = new URLSearchParams(String(req.body));
      const command = form.get('command') ?? '';
      const handler = slack!.handlers.commands[command];
      if (!handler) return { response_type: 'ephemeral', text: `Vigil does not know the command ${command}.` };
      const ctx = await contextFor(form.get('user_id') ?? '', {
        ...(form.get('user_name') ? { slackUserName: form.get('user_name')! } : {}),
        ...(form.get('channel_id') ? { channelId: form.get('channel_id')! } : {}),
        ...(form.get('response_url') ? { responseUrl: form.get('response_url')! } : {}),
        ...(form.get('trigger_id') ? { triggerId: form.get('trigger_id')! } : {}),
      });
      try {
        return toSlackResponse(await handler(ctx, (form.get('text') ?? '').trim()));
      } catch (err) {
        req.log.warn({ err, command }, 'slash command failed');
        return { response_type: 'ephemeral', text: `That did not work: ${(err as Error).message}` };
      }
    });

    scope.post('/slack/interactions', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      if (!verified(req, reply)) return reply;
      let payload: {
        type?: string;
        user?: { id?: string; username?: string };
        actions?: Array<{ action_id?: string; value?: string }>;
        response_url?: string;
        trigger_id?: string;
        channel?: { id?: string };
        container?: { channel_id?: string; message_ts?: string };
        message?: { ts?: string };
      };
      try {
        payload = JSON.parse(new URLSearchParams(String(req.body)).get('payload') ?? '');
      } catch {
        return reply.status(400).send(errorBody('malformed_payload', 'The payload field is not JSON.'));
      }
      const slackUserId = payload.user?.id ?? '';
      const ctx = await contextFor(slackUserId, {
        ...(payload.user?.username ? { slackUserName: payload.user.username } : {}),
        ...(payload.channel?.id ? { channelId: payload.channel.id } : {}),
        ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
        ...(payload.trigger_id ? { triggerId: payload.trigger_id } : {}),
      });
      if (payload.type !== 'block_actions') return reply.status(200).send();
      const replies: SlackReply[] = [];
      for (const a of payload.actions ?? []) {
        const handler = slack!.handlers.actions[a.action_id ?? ''];
        if (!handler) continue;
        if (!ctx.user) {
          replies.push(notLinkedReply(deps.config.publicUrl));
          break;
        }
        try {
          const r = await handler(ctx, {
            actionId: a.action_id ?? '',
            value: a.value ?? '',
            ...(payload.container?.channel_id ?? payload.channel?.id ? { channelId: payload.container?.channel_id ?? payload.channel?.id } : {}),
            ...(payload.container?.message_ts ?? payload.message?.ts ? { messageTs: payload.container?.message_ts ?? payload.message?.ts } : {}),
          });
          if (r) replies.push(r);
        } catch (err) {
          replies.push({ text: `That did not work: ${(err as Error).message}` });
        }
      }
      // Slack wants a quick 200; the answers go to response_url.
      if (payload.response_url && replies.length) {
        for (const r of replies) await slack!.respond(payload.response_url, toSlackResponse(r)).catch((err: unknown) => req.log.warn({ err }, 'response_url post failed'));
      }
      return reply.status(200).send();
    });

    scope.post('/slack/events', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
      if (!verified(req, reply)) return reply;
      let body: { type?: string; challenge?: string };
      try {
        body = JSON.parse(String(req.body));
      } catch {
        return reply.status(400).send(errorBody('malformed_json', 'The event body is not JSON.'));
      }
      if (body.type === 'url_verification') return { challenge: body.challenge };
      return reply.status(200).send();
    });
  });
}
