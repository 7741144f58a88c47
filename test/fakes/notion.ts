/**
 * A fake Notion API: a real HTTP server on 127.0.0.1 speaking the endpoints Vigil calls, in Notion's
 * wire format (API version 2022-06-28):
 *
 * - GET    /v1/databases/{id}                 (https://developers.notion.com/reference/retrieve-a-database)
 * - POST   /v1/pages                          (https://developers.notion.com/reference/post-page)
 * - PATCH  /v1/pages/{id}                     (https://developers.notion.com/reference/patch-page)
 * - GET    /v1/blocks/{id}/children           (https://developers.notion.com/reference/get-block-children)
 * - PATCH  /v1/blocks/{id}/children           (https://developers.notion.com/reference/patch-block-children)
 * - DELETE /v1/blocks/{id}                    (https://developers.notion.com/reference/delete-a-block)
 *
 * Like Notion it wants `Authorization: Bearer <token>` and a `Notion-Version` header, answers errors as
 * `{ object: "error", status, code, message }`, refuses properties the database does not have, more
 * than 100 children in one request (https://developers.notion.com/reference/request-limits) and text
 * over 2000 characters, pages `blocks.children.list` with `start_cursor` / `next_cursor` / `has_more`
 * (page_size at most 100), and archives a deleted block so it no longer lists.
 *
 * Point `@notionhq/client` at it with `baseUrl: fake.url`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeNotionDatabase {
  id: string;
  title: string;
  /** Property name -> type (title, rich_text, select, status, date, url, multi_select, number...). */
  properties: Record<string, string>;
}

export interface FakeNotionBlock {
  id: string;
  type: string;
  parentId: string;
  archived: boolean;
  body: Record<string, unknown>;
  createdAt: number;
}

export interface FakeNotionPage {
  id: string;
  databaseId: string;
  properties: Record<string, any>;
  archived: boolean;
  url: string;
  createdAt: number;
  lastEditedAt: number;
}

export interface FakeNotionCall {
  method: string;
  path: string;
  body: any;
  status: number;
  at: number;
}

export interface FakeNotion {
  /** Base URL for `@notionhq/client` (`baseUrl`). */
  url: string;
  token: string;
  calls: FakeNotionCall[];
  addDatabase(db: Partial<FakeNotionDatabase> & { title: string }): FakeNotionDatabase;
  pages(databaseId?: string): FakeNotionPage[];
  page(id: string): FakeNotionPage | undefined;
  /** The page's live (not archived) child blocks, in order. */
  blocks(pageId: string): FakeNotionBlock[];
  /** The page's body as plain text, one line per block. */
  text(pageId: string): string;
  /** A property's plain value: title/rich_text text, select/status name, date start, url. */
  prop(pageId: string, name: string): string | undefined;
  /** Answer the next `times` requests to this endpoint (`*` = any) with an error. */
  failNext(endpoint: string, failure: { status: number; code: string; message?: string }, times?: number): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TEXT_LIMIT = 2000;
const MAX_CHILDREN = 100;

/** Notion accepts ids with or without dashes. */
const normId = (id: string): string => {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

function plain(rich: unknown): string {
  if (!Array.isArray(rich)) return '';
  return rich.map((r: any) => String(r?.text?.content ?? r?.plain_text ?? '')).join('');
}

function checkRichText(rich: unknown, where: string): void {
  if (!Array.isArray(rich)) throw new ApiError(400, 'validation_error', `body failed validation: ${where} should be an array.`);
  for (const r of rich as any[]) {
    const content = r?.text?.content;
    if (typeof content !== 'string') throw new ApiError(400, 'validation_error', `body failed validation: ${where}[].text.content should be defined.`);
    if (content.length > TEXT_LIMIT) throw new ApiError(400, 'validation_error', `body failed validation: ${where}[].text.content.length should be ≤ \`${TEXT_LIMIT}\`, instead was \`${content.length}\`.`);
  }
}

const BLOCK_TYPES = new Set(['paragraph', 'heading_1', 'heading_2', 'heading_3', 'bulleted_list_item', 'numbered_list_item', 'to_do', 'quote', 'code', 'divider', 'callout', 'toggle']);

export async function startFakeNotion(options: { token?: string } = {}): Promise<FakeNotion> {
  const token = options.token ?? 'secret_fake_notion_token';
  const databases = new Map<string, FakeNotionDatabase>();
  const pages = new Map<string, FakeNotionPage>();
  const blocks = new Map<string, FakeNotionBlock>();
  const children = new Map<string, string[]>();
  const calls: FakeNotionCall[] = [];
  let failures: Array<{ endpoint: string; failure: { status: number; code: string; message?: string }; times: number }> = [];
  const sockets = new Set<Socket>();
  let origin = '';

  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');

  const databaseJson = (d: FakeNotionDatabase) => ({
    object: 'database',
    id: d.id,
    created_time: iso(0),
    last_edited_time: iso(0),
    title: [{ type: 'text', text: { content: d.title, link: null }, plain_text: d.title, href: null }],
    description: [],
    properties: Object.fromEntries(Object.entries(d.properties).map(([name, type], i) => [name, { id: type === 'title' ? 'title' : `p${i}`, name, type, [type]: {} }])),
    parent: { type: 'workspace', workspace: true },
    url: `https://www.notion.so/${d.id.replace(/-/g, '')}`,
    archived: false,
    in_trash: false,
    is_inline: false,
  });

  const propertyJson = (type: string, value: any) => {
    const base = { type };
    switch (type) {
      case 'title':
      case 'rich_text':
        return { ...base, [type]: (value[type] as any[]).map((r) => ({ ...r, plain_text: r.text.content, href: r.text.link?.url ?? null })) };
      default:
        return { ...base, [type]: value[type] ?? null };
    }
  };

  const pageJson = (p: FakeNotionPage) => {
    const db = databases.get(p.databaseId)!;
    return {
      object: 'page',
      id: p.id,
      created_time: iso(p.createdAt),
      last_edited_time: iso(p.lastEditedAt),
      archived: p.archived,
      in_trash: p.archived,
      parent: { type: 'database_id', database_id: p.databaseId },
      properties: Object.fromEntries(
        Object.entries(db.properties).map(([name, type]) => [name, p.properties[name] ? propertyJson(type, p.properties[name]) : { type, [type]: type === 'title' || type === 'rich_text' ? [] : null }]),
      ),
      url: p.url,
    };
  };

  const blockJson = (b: FakeNotionBlock) => ({
    object: 'block',
    id: b.id,
    parent: pages.has(b.parentId) ? { type: 'page_id', page_id: b.parentId } : { type: 'block_id', block_id: b.parentId },
    created_time: iso(b.createdAt),
    last_edited_time: iso(b.createdAt),
    has_children: false,
    archived: b.archived,
    in_trash: b.archived,
    type: b.type,
    [b.type]: b.body,
  });

  const checkProperties = (db: FakeNotionDatabase, props: unknown, creating: boolean): Record<string, any> => {
    if (props === undefined) {
      if (creating) throw new ApiError(400, 'validation_error', 'body failed validation: body.properties should be defined.');
      return {};
    }
    if (!props || typeof props !== 'object') throw new ApiError(400, 'validation_error', 'body failed validation: body.properties should be an object.');
    for (const [name, value] of Object.entries(props as Record<string, any>)) {
      const type = db.properties[name];
      if (!type) throw new ApiError(400, 'validation_error', `${name} is not a property that exists.`);
      if (!value || typeof value !== 'object' || !(type in value)) throw new ApiError(400, 'validation_error', `${name} is expected to be ${type}.`);
      if (type === 'title' || type === 'rich_text') checkRichText(value[type], `body.properties.${name}.${type}`);
      if ((type === 'select' || type === 'status') && value[type] !== null && typeof value[type]?.name !== 'string') throw new ApiError(400, 'validation_error', `${name}.${type}.name should be a string.`);
      if (type === 'select' && String(value[type]?.name ?? '').includes(',')) throw new ApiError(400, 'validation_error', `Invalid select option, commas not allowed: ${value[type].name}`);
      if (type === 'date' && value.date !== null && Number.isNaN(Date.parse(String(value.date?.start)))) throw new ApiError(400, 'validation_error', `${name}.date.start should be a valid ISO 8601 date string.`);
    }
    if (creating && !Object.values(db.properties).includes('title')) throw new ApiError(400, 'validation_error', 'The database has no title property.');
    return props as Record<string, any>;
  };

  const addChildren = (parentId: string, list: unknown): FakeNotionBlock[] => {
    if (!Array.isArray(list)) throw new ApiError(400, 'validation_error', 'body failed validation: body.children should be an array.');
    if (list.length > MAX_CHILDREN) throw new ApiError(400, 'validation_error', `body failed validation: body.children.length should be ≤ \`${MAX_CHILDREN}\`, instead was \`${list.length}\`.`);
    const made: FakeNotionBlock[] = [];
    for (const raw of list as any[]) {
      const type = String(raw?.type ?? Object.keys(raw ?? {}).find((k) => BLOCK_TYPES.has(k)) ?? '');
      if (!BLOCK_TYPES.has(type) || !raw[type] || typeof raw[type] !== 'object') throw new ApiError(400, 'validation_error', `body failed validation: unsupported or malformed block type "${type}".`);
      if (type !== 'divider') checkRichText(raw[type].rich_text, `body.children[].${type}.rich_text`);
      const b: FakeNotionBlock = { id: randomUUID(), type, parentId, archived: false, body: raw[type], createdAt: Date.now() };
      blocks.set(b.id, b);
      made.push(b);
    }
    children.set(parentId, [...(children.get(parentId) ?? []), ...made.map((b) => b.id)]);
    return made;
  };

  const liveChildren = (id: string): FakeNotionBlock[] => (children.get(id) ?? []).map((c) => blocks.get(c)!).filter((b) => b && !b.archived);

  const findContainer = (id: string): string => {
    const n = normId(id);
    if (pages.has(n) && !pages.get(n)!.archived) return n;
    if (blocks.has(n) && !blocks.get(n)!.archived) return n;
    throw new ApiError(404, 'object_not_found', `Could not find block with ID: ${n}. Make sure the relevant pages and databases are shared with your integration.`);
  };

  const route = (method: string, path: string, query: URLSearchParams, body: any): { endpoint: string; run: () => unknown } => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/v1\/databases\/([^/]+)$/.exec(path))) {
      return {
        endpoint: 'databases.retrieve',
        run: () => {
          const db = databases.get(normId(m![1]!));
          if (!db) throw new ApiError(404, 'object_not_found', `Could not find database with ID: ${normId(m![1]!)}. Make sure the relevant pages and databases are shared with your integration.`);
          return databaseJson(db);
        },
      };
    }
    if (method === 'POST' && path === '/v1/pages') {
      return {
        endpoint: 'pages.create',
        run: () => {
          const dbId = body?.parent?.database_id;
          if (typeof dbId !== 'string') throw new ApiError(400, 'validation_error', 'body failed validation: body.parent.database_id should be defined (or page_id).');
          const db = databases.get(normId(dbId));
          if (!db) throw new ApiError(404, 'object_not_found', `Could not find database with ID: ${normId(dbId)}. Make sure the relevant pages and databases are shared with your integration.`);
          const properties = checkProperties(db, body.properties, true);
          const titleName = Object.entries(db.properties).find(([, t]) => t === 'title')![0];
          if (!properties[titleName]) throw new ApiError(400, 'validation_error', `${titleName} is expected to be title.`);
          if (body.children !== undefined && Array.isArray(body.children) && body.children.length > MAX_CHILDREN) {
            throw new ApiError(400, 'validation_error', `body failed validation: body.children.length should be ≤ \`${MAX_CHILDREN}\`, instead was \`${body.children.length}\`.`);
          }
          const id = randomUUID();
          const now = Date.now();
          const page: FakeNotionPage = { id, databaseId: db.id, properties, archived: false, url: `https://www.notion.so/${plain(properties[titleName].title).replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}-${id.replace(/-/g, '')}`, createdAt: now, lastEditedAt: now };
          pages.set(id, page);
          if (body.children !== undefined) addChildren(id, body.children);
          return pageJson(page);
        },
      };
    }
    if (method === 'PATCH' && (m = /^\/v1\/pages\/([^/]+)$/.exec(path))) {
      return {
        endpoint: 'pages.update',
        run: () => {
          const page = pages.get(normId(m![1]!));
          if (!page) throw new ApiError(404, 'object_not_found', `Could not find page with ID: ${normId(m![1]!)}. Make sure the relevant pages and databases are shared with your integration.`);
          const trash = body?.archived ?? body?.in_trash;
          if (page.archived && trash !== false) throw new ApiError(400, 'validation_error', "Can't edit block that is archived. You must unarchive the block before editing.");
          const props = checkProperties(databases.get(page.databaseId)!, body?.properties, false);
          page.properties = { ...page.properties, ...props };
          if (typeof trash === 'boolean') page.archived = trash;
          page.lastEditedAt = Date.now();
          return pageJson(page);
        },
      };
    }
    if ((m = /^\/v1\/blocks\/([^/]+)\/children$/.exec(path)) && (method === 'GET' || method === 'PATCH')) {
      if (method === 'GET') {
        return {
          endpoint: 'blocks.children.list',
          run: () => {
            const id = findContainer(m![1]!);
            const size = query.has('page_size') ? Number(query.get('page_size')) : 100;
            if (!Number.isInteger(size) || size < 1 || size > 100) throw new ApiError(400, 'validation_error', 'body failed validation: query.page_size should be ≤ `100`.');
            const all = liveChildren(id);
            const cursor = query.get('start_cursor');
            const start = cursor ? all.findIndex((b) => b.id === cursor) : 0;
            if (start < 0) throw new ApiError(400, 'validation_error', `start_cursor provided is invalid: ${cursor}`);
            const slice = all.slice(start, start + size);
            const next = all[start + size];
            return { object: 'list', results: slice.map(blockJson), next_cursor: next ? next.id : null, has_more: !!next, type: 'block', block: {} };
          },
        };
      }
      return {
        endpoint: 'blocks.children.append',
        run: () => {
          const id = findContainer(m![1]!);
          const made = addChildren(id, body?.children);
          const page = pages.get(id);
          if (page) page.lastEditedAt = Date.now();
          return { object: 'list', results: made.map(blockJson), next_cursor: null, has_more: false, type: 'block', block: {} };
        },
      };
    }
    if (method === 'DELETE' && (m = /^\/v1\/blocks\/([^/]+)$/.exec(path))) {
      return {
        endpoint: 'blocks.delete',
        run: () => {
          const id = normId(m![1]!);
          const b = blocks.get(id);
          if (b) {
            if (b.archived) throw new ApiError(400, 'validation_error', "Can't edit block that is archived. You must unarchive the block before editing.");
            b.archived = true;
            return blockJson(b);
          }
          const page = pages.get(id);
          if (page) {
            page.archived = true;
            return { object: 'block', id, type: 'child_page', archived: true, in_trash: true, child_page: { title: '' } };
          }
          throw new ApiError(404, 'object_not_found', `Could not find block with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`);
        },
      };
    }
    return {
      endpoint: 'unknown',
      run: () => {
        throw new ApiError(400, 'invalid_request_url', 'Invalid request URL.');
      },
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      const call: FakeNotionCall = { method: req.method ?? 'GET', path: url.pathname, body: undefined, status: 200, at: Date.now() };
      calls.push(call);
      const fail = (status: number, code: string, message: string) => {
        call.status = status;
        send(res, status, { object: 'error', status, code, message, request_id: randomUUID() });
      };
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        return fail(400, 'invalid_json', 'Error parsing JSON body.');
      }
      call.body = body;
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || auth.slice(7) !== token) return fail(401, 'unauthorized', 'API token is invalid.');
      if (!req.headers['notion-version']) return fail(400, 'missing_version', 'Notion-Version header failed validation: Notion-Version header should be defined.');
      const r = route(call.method, url.pathname, url.searchParams, body);
      const index = failures.findIndex((f) => f.endpoint === r.endpoint || f.endpoint === '*');
      if (index >= 0) {
        const f = failures[index]!;
        f.times -= 1;
        if (f.times <= 0) failures.splice(index, 1);
        return fail(f.failure.status, f.failure.code, f.failure.message ?? `fake notion: ${f.failure.code}`);
      }
      try {
        send(res, 200, r.run());
      } catch (err) {
        if (err instanceof ApiError) return fail(err.status, err.code, err.message);
        return fail(500, 'internal_server_error', (err as Error).message);
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    token,
    calls,
    addDatabase(d) {
      const db: FakeNotionDatabase = { id: normId(d.id ?? randomUUID()), title: d.title, properties: d.properties ?? { Name: 'title' } };
      databases.set(db.id, db);
      return db;
    },
    pages: (databaseId) => [...pages.values()].filter((p) => !databaseId || p.databaseId === normId(databaseId)),
    page: (id) => pages.get(normId(id)),
    blocks: (pageId) => liveChildren(normId(pageId)),
    text: (pageId) =>
      liveChildren(normId(pageId))
        .map((b) => plain((b.body as { rich_text?: unknown }).rich_text))
        .join('\n'),
    prop(pageId, name) {
      const p = pages.get(normId(pageId));
      const v = p?.properties[name];
      if (!v) return undefined;
      if (v.title) return plain(v.title);
      if (v.rich_text) return plain(v.rich_text);
      if (v.select !== undefined) return v.select?.name;
      if (v.status !== undefined) return v.status?.name;
      if (v.date !== undefined) return v.date?.start;
      if (v.url !== undefined) return v.url;
      return JSON.stringify(v);
    },
    failNext(endpoint, failure, times = 1) {
      failures.push({ endpoint, failure, times });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      failures = [];
    },
  };
}
