/**
 * Typed configuration, validated once at boot. This module is the only reader of `process.env`
 * (the composition root passes it in). Every problem is collected and reported at once.
 *
 * Sources, later wins: built-in defaults < config file (YAML or JSON, `VIGIL_CONFIG`) < environment.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type ProcessRole = 'all' | 'api' | 'engine';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface VigilConfig {
  /** TCP port of the HTTP server. */
  port: number;
  /** Address the HTTP server binds to. */
  host: string;
  /** Base URL people and vendors use to reach this installation (links in messages, Slack URLs). */
  publicUrl: string;
  /** `sqlite:<path>` or `postgres://...`. */
  databaseUrl: string;
  /** When set, an admin API token with this value exists. */
  bootstrapToken: string | undefined;
  /** Which roles this process runs: the HTTP API, the job engine, or both. */
  role: ProcessRole;
  logLevel: LogLevel;
  /** Mark session cookies `Secure`; `auto` follows the scheme of `publicUrl`. */
  secureCookies: boolean;
  /** Largest accepted request body, in bytes. */
  bodyLimitBytes: number;
  /**
   * Which `X-Forwarded-For` hops to believe for the client address: `false` (none, the default:
   * the TCP peer is the client), `true` (every hop), a hop count, or a list of proxy addresses/CIDRs.
   */
  trustProxy: boolean | number | string[];
  signIn: {
    /** Wrong passwords per account before it is locked for a while. */
    maxFailuresPerAccount: number;
    /** Wrong passwords per client address before it is locked for a while. */
    maxFailuresPerAddress: number;
    /** First lockout; each further lockout doubles it, up to `maxLockoutSeconds`. */
    lockoutSeconds: number;
    maxLockoutSeconds: number;
    /** Failures older than this are forgotten. */
    windowSeconds: number;
  };
  intake: {
    /** Steady requests per second accepted per integration key (429 with Retry-After beyond). */
    ratePerSecond: number;
    /** Requests a key may send at once before the steady rate applies. */
    burst: number;
    /** Events committed and not yet applied past which intake answers 429 (Retry-After). */
    maxBacklog: number;
  };
  slack: {
    /** Bot token (xoxb-...) of the Slack app; Slack is off without it. */
    botToken: string | undefined;
    /** Signing secret that verifies requests from Slack. */
    signingSecret: string | undefined;
    /** Web API base URL (Enterprise Grid, tests). */
    apiUrl: string;
  };
  email: {
    /** smtp://user:pass@host:587 or smtps://...; email is off without it. */
    smtpUrl: string | undefined;
    from: string;
  };
  twilio: {
    accountSid: string | undefined;
    authToken: string | undefined;
    /** The sending phone number (E.164). */
    from: string | undefined;
    apiUrl: string;
  };
  jira: {
    /** https://your-site.atlassian.net; sprint checks and tickets are off without it. */
    baseUrl: string | undefined;
    email: string | undefined;
    apiToken: string | undefined;
    /** Project where post-mortem action items become tickets. */
    actionItemProject: string;
    /** Project where triaged Sentry errors become Bug tickets; filing bugs is off without it. */
    bugProject: string | undefined;
    /** JQL of the better-engineering backlog read from Jira (e.g. `project = ENG AND labels = better-engineering`). */
    backlogJql: string | undefined;
  };
  sentry: {
    /** Sentry web API root (self-hosted Sentry, tests). */
    apiUrl: string;
    /** Auth token with `event:write` (resolve, ignore, assign issues); Vigil only listens without it. */
    token: string | undefined;
    /** Organization slug; when unset the organization-less issue endpoint is used. */
    org: string | undefined;
  };
  notion: {
    /** Internal integration secret; publishing to Notion is off without it (or one set in the web UI). */
    token: string | undefined;
    /** API root (tests point it at a fake). */
    apiUrl: string;
    /** Database that receives post-mortems (the admin may pick another in the web UI). */
    postmortemsDatabaseId: string | undefined;
    /** Database that receives shift reports. */
    reportsDatabaseId: string | undefined;
  };
  engine: {
    /** Jobs run at the same time by one process. */
    concurrency: number;
    /** How long a claimed job is leased before another process may take it over. */
    leaseMs: number;
    /** Interval of the reconciler sweep. */
    reconcileIntervalMs: number;
  };
  delivery: {
    /** How long a high-urgency page's delivery keeps being retried while the page is live. */
    highUrgencyDeadlineMinutes: number;
    /** How long a low-urgency page's delivery keeps being retried while the page is live. */
    lowUrgencyDeadlineMinutes: number;
    /** How long any other message (channel posts, reminders, verification codes) keeps being retried. */
    messageDeadlineMinutes: number;
    /** Longest wait between two tries of a failing lane (a provider's Retry-After may ask for longer). */
    maxBackoffMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

interface FieldSpec {
  /** Dotted path in the config object and the config file. */
  path: string;
  env: string;
  parse: (raw: unknown, problems: string[], label: string) => unknown;
  default: (partial: Record<string, unknown>) => unknown;
}

const int =
  (min: number, max: number) =>
  (raw: unknown, problems: string[], label: string): number | undefined => {
    const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${label}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return n;
  };

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: unknown, problems: string[], label: string): T | undefined => {
    const s = String(raw).trim().toLowerCase();
    if (!(values as readonly string[]).includes(s)) {
      problems.push(`${label}: expected one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
      return undefined;
    }
    return s as T;
  };

const str = (raw: unknown, problems: string[], label: string): string | undefined => {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    problems.push(`${label}: expected a string`);
    return undefined;
  }
  return String(raw);
};

const url =
  (protocols: string[]) =>
  (raw: unknown, problems: string[], label: string): string | undefined => {
    const s = str(raw, problems, label);
    if (s === undefined) return undefined;
    try {
      const u = new URL(s);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return s.replace(/\/+$/, '');
    } catch {
      problems.push(`${label}: expected a ${protocols.join(' or ')} URL, got ${JSON.stringify(s)}`);
      return undefined;
    }
  };

const withSlash = (s: string | undefined): string | undefined => (s === undefined ? s : `${s}/`);

const databaseUrl = (raw: unknown, problems: string[], label: string): string | undefined => {
  const s = str(raw, problems, label);
  if (s === undefined) return undefined;
  if (/^sqlite:.+/.test(s) || /^postgres(ql)?:\/\/.+/.test(s)) return s;
  problems.push(`${label}: expected sqlite:<path> or postgres://..., got ${JSON.stringify(s)}`);
  return undefined;
};

const bool = (raw: unknown, problems: string[], label: string): boolean | 'auto' | undefined => {
  const s = String(raw).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  if (s === 'auto') return 'auto';
  problems.push(`${label}: expected true, false or auto, got ${JSON.stringify(raw)}`);
  return undefined;
};

const trustProxy = (raw: unknown, problems: string[], label: string): boolean | number | string[] | undefined => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 20) return raw;
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string' && x.trim())) return raw.map((x: string) => x.trim());
  const s = String(raw).trim();
  if (['1', 'true', 'yes', 'on'].includes(s.toLowerCase())) return true;
  if (['', '0', 'false', 'no', 'off'].includes(s.toLowerCase())) return false;
  if (/^hops:\d{1,2}$/.test(s)) return Number(s.slice(5));
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (list.length && list.every((x) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x) || ['loopback', 'linklocal', 'uniquelocal'].includes(x))) return list;
  problems.push(`${label}: expected false, true, hops:<n> or a comma-separated list of proxy addresses/CIDRs, got ${JSON.stringify(raw)}`);
  return undefined;
};

const token = (raw: unknown, problems: string[], label: string): string | undefined => {
  const s = str(raw, problems, label);
  if (s === undefined) return undefined;
  if (s.length < 16) {
    problems.push(`${label}: must be at least 16 characters long`);
    return undefined;
  }
  return s;
};

const FIELDS: FieldSpec[] = [
  { path: 'port', env: 'PORT', parse: int(0, 65535), default: () => 8080 },
  { path: 'host', env: 'VIGIL_HOST', parse: str, default: () => '127.0.0.1' },
  {
    path: 'publicUrl',
    env: 'VIGIL_PUBLIC_URL',
    parse: url(['http:', 'https:']),
    default: (c) => `http://localhost:${String(c.port ?? 8080)}`,
  },
  { path: 'databaseUrl', env: 'VIGIL_DATABASE_URL', parse: databaseUrl, default: () => 'sqlite:./data/vigil.db' },
  { path: 'bootstrapToken', env: 'VIGIL_BOOTSTRAP_TOKEN', parse: token, default: () => undefined },
  { path: 'role', env: 'VIGIL_ROLE', parse: oneOf(['all', 'api', 'engine'] as const), default: () => 'all' },
  {
    path: 'logLevel',
    env: 'VIGIL_LOG_LEVEL',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: () => 'info',
  },
  { path: 'secureCookies', env: 'VIGIL_SECURE_COOKIES', parse: bool, default: () => 'auto' },
  { path: 'bodyLimitBytes', env: 'VIGIL_BODY_LIMIT_BYTES', parse: int(1024, 64 * 1024 * 1024), default: () => 1048576 },
  { path: 'trustProxy', env: 'VIGIL_TRUST_PROXY', parse: trustProxy, default: () => false },
  { path: 'signIn.maxFailuresPerAccount', env: 'VIGIL_SIGNIN_MAX_FAILURES_PER_ACCOUNT', parse: int(1, 1000), default: () => 10 },
  { path: 'signIn.maxFailuresPerAddress', env: 'VIGIL_SIGNIN_MAX_FAILURES_PER_ADDRESS', parse: int(1, 100_000), default: () => 50 },
  { path: 'signIn.lockoutSeconds', env: 'VIGIL_SIGNIN_LOCKOUT_SECONDS', parse: int(1, 86_400), default: () => 60 },
  { path: 'signIn.maxLockoutSeconds', env: 'VIGIL_SIGNIN_MAX_LOCKOUT_SECONDS', parse: int(1, 7 * 86_400), default: () => 3600 },
  { path: 'signIn.windowSeconds', env: 'VIGIL_SIGNIN_WINDOW_SECONDS', parse: int(60, 7 * 86_400), default: () => 86_400 },
  { path: 'intake.ratePerSecond', env: 'VIGIL_INTAKE_RATE_PER_SECOND', parse: int(1, 1_000_000), default: () => 100 },
  { path: 'intake.burst', env: 'VIGIL_INTAKE_BURST', parse: int(1, 10_000_000), default: () => 1000 },
  { path: 'intake.maxBacklog', env: 'VIGIL_INTAKE_MAX_BACKLOG', parse: int(100, 100_000_000), default: () => 1_000_000 },
  { path: 'slack.botToken', env: 'VIGIL_SLACK_BOT_TOKEN', parse: str, default: () => undefined },
  { path: 'slack.signingSecret', env: 'VIGIL_SLACK_SIGNING_SECRET', parse: str, default: () => undefined },
  { path: 'slack.apiUrl', env: 'VIGIL_SLACK_API_URL', parse: (r, p, l) => withSlash(url(['http:', 'https:'])(r, p, l)), default: () => 'https://slack.com/api/' },
  { path: 'email.smtpUrl', env: 'VIGIL_SMTP_URL', parse: url(['smtp:', 'smtps:']), default: () => undefined },
  { path: 'email.from', env: 'VIGIL_EMAIL_FROM', parse: str, default: () => 'Vigil <vigil@localhost>' },
  { path: 'twilio.accountSid', env: 'VIGIL_TWILIO_ACCOUNT_SID', parse: str, default: () => undefined },
  { path: 'twilio.authToken', env: 'VIGIL_TWILIO_AUTH_TOKEN', parse: str, default: () => undefined },
  { path: 'twilio.from', env: 'VIGIL_TWILIO_FROM', parse: str, default: () => undefined },
  { path: 'twilio.apiUrl', env: 'VIGIL_TWILIO_API_URL', parse: url(['http:', 'https:']), default: () => 'https://api.twilio.com' },
  { path: 'jira.baseUrl', env: 'VIGIL_JIRA_BASE_URL', parse: url(['http:', 'https:']), default: () => undefined },
  { path: 'jira.email', env: 'VIGIL_JIRA_EMAIL', parse: str, default: () => undefined },
  { path: 'jira.apiToken', env: 'VIGIL_JIRA_API_TOKEN', parse: str, default: () => undefined },
  { path: 'jira.actionItemProject', env: 'VIGIL_JIRA_ACTION_ITEM_PROJECT', parse: str, default: () => 'OPS' },
  { path: 'jira.bugProject', env: 'VIGIL_JIRA_BUG_PROJECT', parse: str, default: () => undefined },
  { path: 'jira.backlogJql', env: 'VIGIL_JIRA_BACKLOG_JQL', parse: str, default: () => undefined },
  { path: 'sentry.apiUrl', env: 'VIGIL_SENTRY_API_URL', parse: url(['http:', 'https:']), default: () => 'https://sentry.io' },
  { path: 'sentry.token', env: 'VIGIL_SENTRY_TOKEN', parse: str, default: () => undefined },
  { path: 'sentry.org', env: 'VIGIL_SENTRY_ORG', parse: str, default: () => undefined },
  { path: 'notion.token', env: 'VIGIL_NOTION_TOKEN', parse: str, default: () => undefined },
  { path: 'notion.apiUrl', env: 'VIGIL_NOTION_API_URL', parse: url(['http:', 'https:']), default: () => 'https://api.notion.com' },
  { path: 'notion.postmortemsDatabaseId', env: 'VIGIL_NOTION_POSTMORTEMS_DATABASE_ID', parse: str, default: () => undefined },
  { path: 'notion.reportsDatabaseId', env: 'VIGIL_NOTION_REPORTS_DATABASE_ID', parse: str, default: () => undefined },
  { path: 'engine.concurrency', env: 'VIGIL_ENGINE_CONCURRENCY', parse: int(1, 256), default: () => 16 },
  { path: 'engine.leaseMs', env: 'VIGIL_ENGINE_LEASE_MS', parse: int(1000, 3_600_000), default: () => 60_000 },
  {
    path: 'engine.reconcileIntervalMs',
    env: 'VIGIL_ENGINE_RECONCILE_INTERVAL_MS',
    parse: int(1000, 86_400_000),
    default: () => 60_000,
  },
  { path: 'delivery.highUrgencyDeadlineMinutes', env: 'VIGIL_DELIVERY_HIGH_URGENCY_DEADLINE_MINUTES', parse: int(1, 43_200), default: () => 1440 },
  { path: 'delivery.lowUrgencyDeadlineMinutes', env: 'VIGIL_DELIVERY_LOW_URGENCY_DEADLINE_MINUTES', parse: int(1, 43_200), default: () => 4320 },
  { path: 'delivery.messageDeadlineMinutes', env: 'VIGIL_DELIVERY_MESSAGE_DEADLINE_MINUTES', parse: int(1, 43_200), default: () => 60 },
  { path: 'delivery.maxBackoffMs', env: 'VIGIL_DELIVERY_MAX_BACKOFF_MS', parse: int(1000, 300_000), default: () => 30_000 },
];

const KNOWN_ENV = new Set([...FIELDS.map((f) => f.env), 'VIGIL_CONFIG']);

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    cur[part] ??= {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function flattenKeys(obj: unknown, prefix = ''): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) =>
    flattenKeys(v, prefix ? `${prefix}.${k}` : k),
  );
}

export interface LoadConfigOptions {
  env?: Env;
  /** Values that win over everything (used by tests and the CLI's flags). */
  overrides?: Record<string, unknown>;
  readFile?: (path: string) => string;
}

/** Builds and validates the configuration; throws {@link ConfigError} listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): VigilConfig {
  const env = options.env ?? {};
  const problems: string[] = [];
  let file: unknown = {};
  const configPath = env.VIGIL_CONFIG;
  if (configPath) {
    try {
      const text = (options.readFile ?? ((p: string) => readFileSync(p, 'utf8')))(configPath);
      file = parseYaml(text) ?? {};
      if (typeof file !== 'object' || Array.isArray(file)) {
        problems.push(`VIGIL_CONFIG (${configPath}): expected a mapping at the top level`);
        file = {};
      }
    } catch (err) {
      problems.push(`VIGIL_CONFIG (${configPath}): ${(err as Error).message}`);
    }
  }
  const knownPaths = new Set(FIELDS.map((f) => f.path));
  for (const key of flattenKeys(file)) {
    if (key && !knownPaths.has(key)) problems.push(`config file: unknown setting "${key}"`);
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith('VIGIL_') && !KNOWN_ENV.has(key) && !key.startsWith('VIGIL_TEST_')) {
      problems.push(`environment: unknown variable ${key}`);
    }
  }

  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const override = options.overrides ? getPath(options.overrides, field.path) : undefined;
    const envValue = env[field.env];
    const fileValue = getPath(file, field.path);
    let value: unknown;
    if (override !== undefined) value = field.parse(override, problems, field.path);
    else if (envValue !== undefined && envValue !== '') value = field.parse(envValue, problems, field.env);
    else if (fileValue !== undefined && fileValue !== null)
      value = field.parse(fileValue, problems, `config file: ${field.path}`);
    else value = field.default(out);
    setPath(out, field.path, value);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const config = out as unknown as Omit<VigilConfig, 'secureCookies'> & { secureCookies: boolean | 'auto' };
  return {
    ...config,
    secureCookies:
      config.secureCookies === 'auto' ? config.publicUrl.startsWith('https:') : config.secureCookies,
  };
}

/** The documented settings, for `vigil config` and the docs. */
export function describeSettings(): Array<{ path: string; env: string }> {
  return FIELDS.map((f) => ({ path: f.path, env: f.env }));
}
