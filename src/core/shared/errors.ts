/**
 * Typed domain errors with stable snake_case codes. Only `http/` maps them to status codes.
 */
export type DomainErrorKind =
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable machine-readable code, e.g. `user_not_found`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (entity: string, id: string): DomainError =>
  new DomainError('not_found', `${entity}_not_found`, `No ${entity.replace(/_/g, ' ')} with id or key "${id}".`);

export const invalid = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError('invalid', code, message, details);

export const conflict = (code: string, message: string, details?: unknown): DomainError =>
  new DomainError('conflict', code, message, details);

export const forbidden = (message = 'You are not allowed to do this.'): DomainError =>
  new DomainError('forbidden', 'forbidden', message);

export const unauthenticated = (message = 'Sign in or send an API token.'): DomainError =>
  new DomainError('unauthenticated', 'unauthenticated', message);
