/**
 * Typed client for the Vigil HTTP API (same origin, cookie session).
 *
 * Every failed call throws an ApiError carrying the server's {error:{code,message,details}}.
 * Add new resources as another group on `api` below, with their types next to it.
 */

export type Role = 'admin' | 'responder' | 'stakeholder';
export const ROLES: readonly Role[] = ['admin', 'responder', 'stakeholder'];

export type Scope = 'read' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** Epoch milliseconds (ISO strings are accepted by the formatters too). */
export type Timestamp = number | string;

export interface User {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  phone: string | null;
  slackUserId: string | null;
  role: Role;
  active: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface UserInput {
  name: string;
  email: string;
  timeZone?: string;
  role?: Role;
  phone?: string;
  slackUserId?: string;
  password?: string;
}

export interface UserPatch {
  name?: string;
  email?: string;
  timeZone?: string;
  role?: Role;
  phone?: string | null;
  slackUserId?: string | null;
  active?: boolean;
  password?: string;
}

export interface Team {
  id: string;
  name: string;
  slug: string;
  description: string;
  leadUserId: string | null;
  memberIds: string[];
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface TeamInput {
  name: string;
  slug?: string;
  description?: string;
  leadUserId?: string | null;
  memberIds?: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Timestamp;
  lastUsedAt: Timestamp | null;
  expiresAt: Timestamp | null;
  revokedAt: Timestamp | null;
}

export interface TokenInput {
  name: string;
  scopes?: Scope[];
  expiresInDays?: number;
}

export interface Me {
  user: User;
  scopes: Scope[];
  /** Teams the user belongs to. */
  teams?: Team[];
  via?: 'session' | 'token';
}

export interface ListResponse<T> {
  data: T[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The form field the server blamed, when it named one (details.field). */
  get field(): string | undefined {
    const d = this.details;
    if (d && typeof d === 'object' && 'field' in d && typeof (d as { field: unknown }).field === 'string') {
      return (d as { field: string }).field;
    }
    return undefined;
  }
}

/** A readable message for anything thrown at a UI boundary. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

export const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const unauthenticatedListeners = new Set<() => void>();

/**
 * Called when an authenticated call comes back 401 (session expired or revoked elsewhere),
 * so the app can return to the sign-in page. Returns an unsubscribe function.
 */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  /** Do not broadcast a 401 to onUnauthenticated listeners (sign-in, /me). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (options.signal) init.signal = options.signal;

  let res: Response;
  try {
    res = await fetch(API_PREFIX + path, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network_error', 'Cannot reach the Vigil server. Check your connection and try again.');
  }

  const text = await res.text();
  let payload: unknown = undefined;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = undefined;
    }
  }

  if (!res.ok) {
    const e = (payload as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof e?.code === 'string' ? e.code : `http_${res.status}`;
    const message = typeof e?.message === 'string' && e.message ? e.message : `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.';
    if (res.status === 401 && !options.quiet401) for (const l of unauthenticatedListeners) l();
    throw new ApiError(res.status, code, message, e?.details);
  }
  return payload as T;
}

const enc = encodeURIComponent;

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  del: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),

  auth: {
    login: (email: string, password: string) => request<{ user: User }>('POST', '/auth/login', { email, password }, { quiet401: true }),
    logout: () => request<unknown>('POST', '/auth/logout', undefined, { quiet401: true }),
    me: () => request<Me>('GET', '/me', undefined, { quiet401: true }),
  },

  users: {
    list: async (options: { includeInactive?: boolean } = {}) =>
      (await request<ListResponse<User>>('GET', options.includeInactive ? '/users?includeInactive=true' : '/users')).data,
    create: (input: UserInput) => request<User>('POST', '/users', input),
    update: (id: string, patch: UserPatch) => request<User>('PATCH', `/users/${enc(id)}`, patch),
  },

  teams: {
    list: async () => (await request<ListResponse<Team>>('GET', '/teams')).data,
    create: (input: TeamInput) => request<Team>('POST', '/teams', input),
    update: (id: string, patch: Partial<TeamInput>) => request<Team>('PATCH', `/teams/${enc(id)}`, patch),
  },

  tokens: {
    list: async () => (await request<ListResponse<ApiToken>>('GET', '/tokens')).data,
    create: (input: TokenInput) => request<{ token: ApiToken; secret: string }>('POST', '/tokens', input),
    revoke: (id: string) => request<unknown>('DELETE', `/tokens/${enc(id)}`),
  },
};
