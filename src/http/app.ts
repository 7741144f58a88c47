/**
 * The Fastify application: validation, authentication, error mapping, OpenAPI, metrics, the web UI.
 * Routes stay thin: they validate, call a core use case and shape the answer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import addFormatsModule from 'ajv-formats';
import { Counter, Histogram } from 'prom-client';
import { normalizeOpsGenieUrl } from '../integrations/inbound/opsgenie-paths.js';
import { authHook } from './auth.js';
import { errorBody, sendError } from './errors.js';
import { authRoutes } from './routes/auth.js';
import { configRoutes } from './routes/config.js';
import { healthRoutes } from './routes/health.js';
import { teamRoutes } from './routes/teams.js';
import { auditRoutes } from './routes/audit.js';
import { userRoutes } from './routes/users.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { assertCleanJson } from '../core/shared/validate.js';
import type { App, HttpDeps } from './types.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type SerializerBuilder = (externalSchemas: unknown, options: unknown) => (route: unknown) => (data: unknown) => string;
/** Fastify's own serializer builder (fast-json-stringify), as Fastify builds it by default. */
const defaultSerializerBuilder = (createRequire(import.meta.url)('@fastify/fast-json-stringify-compiler') as () => SerializerBuilder)();

/**
 * Serializers and validators are compiled on a route's first use, not at start-up: compiling the
 * response and request schemas of every route up front was most of the time to `/healthz`
 * (docs/adr/0011-start-up-and-memory.md). What a route answers and accepts is unchanged.
 */
const lazySerializers: SerializerBuilder = (externalSchemas, options) => {
  const compile = defaultSerializerBuilder(externalSchemas, options);
  return (route) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => (serialize ??= compile(route))(data);
  };
};

function lazyValidator(compile: () => ValidateFunction): (data: unknown) => boolean {
  let validate: ValidateFunction | undefined;
  const lazy = (data: unknown): boolean => {
    validate ??= compile();
    const ok = validate(data) as boolean;
    lazy.errors = validate.errors;
    return ok;
  };
  lazy.errors = null as ValidateFunction['errors'];
  return lazy;
}

/** The web UI loads only its own scripts, styles and API; nothing may frame any page. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Trust the nearest `n` proxies (proxy-addr's hop count). */
const hops =
  (n: number) =>
  (_addr: string, i: number): boolean =>
    i < n;

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    strict: false,
  });
  addFormats(ajv);
  for (const s of SHARED_SCHEMAS) ajv.addSchema(s);
  return ajv;
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
}

export async function buildHttpApp(deps: HttpDeps, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: deps.config.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Believe X-Forwarded-For only from the configured proxies (none by default).
    trustProxy: typeof deps.config.trustProxy === 'number' ? hops(deps.config.trustProxy) : (deps.config.trustProxy ?? false),
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: true } },
    schemaController: { compilersFactory: { buildSerializer: lazySerializers as never } },
    // OpsGenie clients' paths (trailing slashes, the JSM and api_url prefixes) -> the routed layout.
    rewriteUrl: (req) => normalizeOpsGenieUrl(req.url ?? '/'),
    // A path the router cannot decode (a stray "%"): Vigil's error shape, not Fastify's.
    frameworkErrors: (err, _req, reply) => void (reply as FastifyReply).status(400).send(errorBody('bad_url', `The request path cannot be decoded: ${err.message}`)),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are never coerced (a number is not a string); query strings and params are.
  const bodyAjv = makeAjv(false);
  const queryAjv = makeAjv(true);
  app.setValidatorCompiler(({ schema, httpPart }) => lazyValidator(() => (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema)));
  for (const s of SHARED_SCHEMAS) app.addSchema(s);

  // YAML documents (config apply) arrive as text.
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const httpRequests = new Counter({ name: 'vigil_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [deps.metrics] });
  const httpDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.metrics],
  });
  // Callback hooks (not async ones): they run on every request, intake included.
  const counters = new Map<string, Counter.Internal>();
  const timers = new Map<string, Histogram.Internal<'method' | 'route'>>();
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const ck = `${req.method} ${route} ${status}`;
    let c = counters.get(ck);
    if (!c) counters.set(ck, (c = httpRequests.labels({ method: req.method, route, status: String(status) })));
    c.inc();
    const tk = `${req.method} ${route}`;
    let t = timers.get(tk);
    if (!t) timers.set(tk, (t = httpDuration.labels({ method: req.method, route })));
    t.observe(reply.elapsedTime / 1000);
    done();
  });
  // Every answer names its request (a handler may set its own, as the OpsGenie API does) and
  // carries the security headers (the API reference sets its own CSP, with the same framing rule).
  app.addHook('onRequest', (req, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    void reply.header('x-request-id', req.id);
    done();
  });
  // Text is checked once for every route, before validation: no NUL characters, no unpaired
  // surrogates, no absurd nesting, in the body, the query string and the path.
  app.addHook('preValidation', (req, _reply, done) => {
    try {
      if (req.body !== undefined && req.body !== null) assertCleanJson(req.body, 'body');
      if (req.query && typeof req.query === 'object') assertCleanJson(req.query, 'query');
      if (req.params && typeof req.params === 'object') assertCleanJson(req.params, 'params');
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: deps.config.version,
        description:
          'On-call and incident management. Authenticate with `Authorization: Bearer <API token>` or the session cookie from `/api/v1/auth/login`. Errors are `{"error": {"code", "message", "details"}}`.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (vgl_...)' },
          session: { type: 'apiKey', in: 'cookie', name: 'vigil_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true }, staticCSP: true, transformStaticCSP: (h) => h.replace("frame-ancestors 'self'", "frame-ancestors 'none'").replace(/\s*upgrade-insecure-requests;?/, '') });

  app.setErrorHandler((err, req, reply) => sendError(reply, req, err));
  app.addHook('onRequest', authHook(deps.core));

  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  healthRoutes(app, deps);
  authRoutes(app, deps);
  userRoutes(app, deps);
  teamRoutes(app, deps);
  configRoutes(app, deps);
  auditRoutes(app, deps);
  for (const register of deps.routes ?? []) register(app, deps);

  const indexHtml = deps.webRoot && existsSync(join(deps.webRoot, 'index.html')) ? readFileSync(join(deps.webRoot, 'index.html'), 'utf8') : undefined;
  if (deps.webRoot && indexHtml) {
    await app.register(fastifyStatic, { root: deps.webRoot, prefix: '/', wildcard: false, index: false });
  }

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isApi = /^\/(api|v1|v2|hooks|slack|healthz|readyz|metrics)(\/|$)/.test(path);
    if (!isApi && (req.method === 'GET' || req.method === 'HEAD')) {
      if (indexHtml) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
      return reply
        .type('text/html; charset=utf-8')
        .send('<!doctype html><title>Vigil</title><p>The web UI is not built. Run <code>npm run build:web</code>, then reload.</p>');
    }
    return reply.status(404).send(errorBody('route_not_found', `No route ${req.method} ${path}.`));
  });

  return app;
}
