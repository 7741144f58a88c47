/**
 * Shared TypeBox schemas: they validate requests, shape responses and generate the OpenAPI document.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_INSTANT_MS, MAX_LIMIT, MAX_OFFSET, MIN_INSTANT_MS, parseInstant } from '../core/shared/validate.js';

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable snake_case code, e.g. user_not_found.' }),
      message: Type.String({ description: 'What is wrong, for people.' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'Error', description: 'Every 4xx/5xx answer has this shape.' },
);

const errorRef = Type.Ref('Error');

/** Standard error answers to add to a route's `response`. */
export const errors = (...codes: number[]): Record<number, TSchema> =>
  Object.fromEntries(codes.map((c) => [c, errorRef]));

export const StdErrors = errors(400, 401, 403, 404, 409, 413, 415, 429);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

/** An instant in a body: epoch milliseconds or an ISO 8601 date-time with a zone, 2000..2200. */
export const Instant = Type.Union(
  [Type.Integer({ minimum: MIN_INSTANT_MS, maximum: MAX_INSTANT_MS }), Type.String({ format: 'date-time', maxLength: 64 })],
  { description: 'Epoch milliseconds or ISO 8601 date-time, between 2000-01-01 and 2200-01-01' },
);

/** An instant in a query string: epoch milliseconds or ISO 8601 (checked by `toMs`). */
export const InstantQuery = Type.String({ minLength: 1, maxLength: 64, description: 'Epoch milliseconds or ISO 8601 date-time, between 2000-01-01 and 2200-01-01' });

/** Epoch milliseconds (or ISO 8601), bounded to 2000..2200; a 400 naming `field` otherwise. */
export const toMs = (v: number | string, field: string): number => parseInstant(v, field);

/** A page size: 1..max (at most MAX_LIMIT). */
export const Limit = (max = 500) => Type.Integer({ minimum: 1, maximum: Math.min(max, MAX_LIMIT) });
/** A page offset: 0..1,000,000. */
export const Offset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET });

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('responder'), Type.Literal('stakeholder')]);
export const ScopeSchema = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    timeZone: Type.String(),
    phone: Type.Union([Type.String(), Type.Null()]),
    slackUserId: Type.Union([Type.String(), Type.Null()]),
    role: Role,
    active: Type.Boolean(),
    createdAt: Type.Number({ description: 'Epoch milliseconds' }),
    updatedAt: Type.Number(),
  },
  { $id: 'User' },
);

export const TeamSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    leadUserId: Type.Union([Type.String(), Type.Null()]),
    memberIds: Type.Array(Type.String()),
    jiraBoardIds: Type.Array(Type.Integer()),
    createdAt: Type.Number(),
    updatedAt: Type.Number(),
  },
  { $id: 'Team' },
);

export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    scopes: Type.Array(ScopeSchema),
    createdAt: Type.Number(),
    lastUsedAt: Type.Union([Type.Number(), Type.Null()]),
    expiresAt: Type.Union([Type.Number(), Type.Null()]),
    revokedAt: Type.Union([Type.Number(), Type.Null()]),
  },
  { $id: 'ApiToken' },
);

export const TimelineEventSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    actor: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    data: Type.Record(Type.String(), Type.Unknown()),
    at: Type.Number(),
  },
  { $id: 'TimelineEvent' },
);

/** Someone a page did not reach (every channel failed, or no usable contact method). */
export const NotReachedSchema = Type.Object({
  pageId: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  reason: Type.Union([Type.Literal('no_contact_method'), Type.Literal('channels_failed')]),
  detail: Type.String({ description: 'Readable reason, e.g. "no verified contact method"' }),
  at: Type.Number(),
});

export const listOf = (ref: string) => Type.Object({ data: Type.Array(Type.Ref(ref)) });

export const SHARED_SCHEMAS = [ErrorSchema, UserSchema, TeamSchema, TokenSchema, TimelineEventSchema];
