/**
 * The one place where errors become HTTP answers: `{"error": {"code", "message", "details"}}`.
 * Client mistakes are 4xx with a message saying what is wrong; only our own bugs are 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../core/shared/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const KIND_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

interface AjvError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function describeValidation(err: FastifyError): { message: string; details: unknown[] } {
  const part = err.validationContext ?? 'body';
  const items = ((err.validation ?? []) as AjvError[]).map((v) => {
    const base = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    let field = base;
    let message = v.message ?? 'is invalid';
    if (v.keyword === 'additionalProperties' && v.params?.additionalProperty) {
      const extra = String(v.params.additionalProperty);
      field = base ? `${base}.${extra}` : extra;
      message = 'is not a known field';
    } else if (v.keyword === 'required' && v.params?.missingProperty) {
      const missing = String(v.params.missingProperty);
      field = base ? `${base}.${missing}` : missing;
      message = 'is required';
    }
    return { in: part, field: field || '(root)', message };
  });
  const summary = items.map((i) => `${i.in === 'body' ? '' : `${i.in} `}${i.field} ${i.message}`).join('; ');
  return { message: `Invalid request: ${summary || err.message}`, details: items };
}

/** Maps any thrown error to a status and body. */
export function toHttpError(err: unknown): { status: number; body: ErrorBody; log: boolean } {
  if (err instanceof DomainError) {
    return { status: KIND_STATUS[err.kind], body: errorBody(err.code, err.message, err.details), log: false };
  }
  if (err instanceof HttpError) {
    return { status: err.statusCode, body: errorBody(err.code, err.message, err.details), log: err.statusCode >= 500 };
  }
  const e = err as FastifyError & { status?: number; type?: string; body?: unknown };
  if (e && e.validation) {
    const { message, details } = describeValidation(e);
    return { status: 400, body: errorBody('validation_failed', message, details), log: false };
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('malformed_json', `The request body is not valid JSON: ${e.message}`), log: false };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('body_too_large', 'The request body is larger than this endpoint accepts.'), log: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('unsupported_media_type', 'Send the body as application/json.'), log: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('invalid_content_length', 'The Content-Length header does not match the body.'), log: false };
    default:
      break;
  }
  if (e instanceof SyntaxError) {
    return { status: 400, body: errorBody('malformed_json', `The request body is not valid JSON: ${e.message}`), log: false };
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'bad_request';
    return { status, body: errorBody(code, e.message || 'Bad request.'), log: false };
  }
  return { status: 500, body: errorBody('internal', 'Something went wrong on our side; it has been logged.'), log: true };
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: unknown): FastifyReply {
  const { status, body, log } = toHttpError(err);
  if (log) request.log.error({ err }, 'request failed');
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer realm="vigil"');
  const retryAfter = (body.error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(Math.ceil(retryAfter)));
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}
