import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Principal, Scope } from '../core/auth/auth.js';
import type { CoreDeps } from '../core/shared/ports.js';
import type { ConfigAsCode } from '../core/config-as-code/config-as-code.js';
import type { SlackHandlers } from '../core/notifications/slack-app.js';
import type { User } from '../core/users/users.js';
import type { Submitted } from '../core/alerts/intake.js';
import type { IntakeEntry, IntakeOutcome } from '../integrations/inbound/intake-entries.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Who may call a route: nobody needs to sign in (`public`), or a principal with this scope. */
export type RouteAuth = 'public' | Scope;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Defaults to `read` for GET/HEAD and `write` for other methods. */
    auth?: RouteAuth;
  }
}

export interface HttpDeps {
  core: CoreDeps;
  config: {
    publicUrl: string;
    secureCookies: boolean;
    bodyLimitBytes: number;
    /** Which X-Forwarded-For hops to believe (config `trustProxy`); none when absent. */
    trustProxy?: boolean | number | string[];
    /** Sign-in throttling (config `signIn`); defaults when absent. */
    signIn?: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; lockoutSeconds: number; maxLockoutSeconds: number; windowSeconds: number };
    logLevel: string;
    version: string;
    /** Intake rate limit per integration key: steady requests per second, and burst. */
    intakeRatePerSecond?: number;
    intakeBurst?: number;
  };
  /** Database reachable and migrations applied. */
  checkReady(): Promise<{ ok: boolean; problems: string[] }>;
  metrics: Registry;
  configAsCode: ConfigAsCode;
  /** Folder of the built web UI (index.html); absent in API-only tests. */
  webRoot?: string;
  /** The Slack app, when configured. */
  slack?: {
    signingSecret: string | undefined;
    handlers: SlackHandlers;
    resolveUser(slackUserId: string): Promise<User | undefined>;
    /** The Slack user id of an email address in the Slack directory (users.lookupByEmail), if any. */
    slackIdForEmail?(email: string): Promise<string | undefined>;
    respond(responseUrl: string, body: Record<string, unknown>): Promise<void>;
  };
  /** The intake queue: an entry is committed before submit resolves (see storage/intake-queue.ts). */
  intake: {
    submit(integrationId: string, entry: IntakeEntry, orderKey?: string): Promise<Submitted<IntakeOutcome>>;
  };
  /** Route modules added by later domains. */
  routes?: Array<(app: App, deps: HttpDeps) => void>;
}
