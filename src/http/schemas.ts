/**
 * Shared TypeBox schemas: they validate requests, shape responses and generate the OpenAPI document.
 */
import { Type, type TSchema } from '@sinclair/typebox';

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
