/**
 * Publishing documents to a Notion database with the official `@notionhq/client`.
 *
 * Vigil speaks the `2022-06-28` API version, where a database has one schema and pages are created
 * with `parent: { database_id }` (https://developers.notion.com/reference/retrieve-a-database). The
 * client's own retries are off: the engine's job retries own them, so a failed publish is retried
 * with backoff and stays visible on the job.
 *
 * A page is kept up to date by updating its properties and replacing its blocks (list the children,
 * delete each, append the new ones, at most 100 per request).
 */
import { createRequire } from 'node:module';
import type * as NotionSdk from '@notionhq/client';
import type { Client } from '@notionhq/client';

/** The SDK, loaded on first use: an installation without Notion never loads it. */
let sdk: typeof NotionSdk | undefined;
const notionSdk = (): typeof NotionSdk => (sdk ??= createRequire(import.meta.url)('@notionhq/client') as typeof NotionSdk);
import { markdownToBlocks, type NotionBlock } from './blocks.js';

export const NOTION_VERSION = '2022-06-28';
export const DEFAULT_NOTION_API_URL = 'https://api.notion.com';
/** Children per create or append request (https://developers.notion.com/reference/request-limits). */
const MAX_CHILDREN = 100;

export interface NotionDocument {
  title: string;
  severity?: string;
  /** Epoch ms: the incident's start, or the shift's start. */
  date: number;
  dateEnd?: number;
  status: string;
  link: string;
  markdown: string;
}

/** Which database properties Vigil fills, by name; the title property is found by its type. */
export interface NotionPropertyNames {
  severity: string;
  date: string;
  status: string;
  link: string;
}

export const DEFAULT_PROPERTY_NAMES: NotionPropertyNames = { severity: 'Severity', date: 'Date', status: 'Status', link: 'Link' };

export class NotionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'NotionError';
  }
}

function toNotionError(err: unknown, what: string): NotionError {
  if (err instanceof NotionError) return err;
  const { APIErrorCode, isNotionClientError } = notionSdk();
  if (isNotionClientError(err)) {
    const code = String(err.code);
    const retryable = code === APIErrorCode.RateLimited || code === APIErrorCode.InternalServerError || code === APIErrorCode.ServiceUnavailable || code === 'notionhq_client_request_timeout' || code === 'notionhq_client_response_error';
    return new NotionError(`notion ${what}: ${err.message}`, code, retryable);
  }
  return new NotionError(`notion ${what}: ${err instanceof Error ? err.message : String(err)}`, 'unknown', true);
}

type PropertySchema = Record<string, { id: string; type: string }>;

export interface NotionPublisherOptions {
  token: string;
  baseUrl?: string;
  timeoutMs?: number;
  propertyNames?: Partial<NotionPropertyNames>;
}

export class NotionPublisher {
  readonly client: Client;
  private readonly names: NotionPropertyNames;

  constructor(options: NotionPublisherOptions) {
    this.client = new (notionSdk().Client)({
      auth: options.token,
      baseUrl: options.baseUrl ?? DEFAULT_NOTION_API_URL,
      notionVersion: NOTION_VERSION,
      timeoutMs: options.timeoutMs ?? 15_000,
      retry: false,
      logLevel: notionSdk().LogLevel.ERROR,
    });
    this.names = { ...DEFAULT_PROPERTY_NAMES, ...options.propertyNames };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toNotionError(err, what);
    }
  }

  /** The database's title and property schema (to fill only the properties it has, by their type). */
  async database(databaseId: string): Promise<{ id: string; title: string; url?: string; properties: PropertySchema }> {
    const db = (await this.call('databases.retrieve', () => this.client.databases.retrieve({ database_id: databaseId }))) as unknown as {
      id: string;
      title?: Array<{ plain_text?: string }>;
      url?: string;
      properties?: PropertySchema;
    };
    return { id: db.id, title: (db.title ?? []).map((t) => t.plain_text ?? '').join(''), ...(db.url ? { url: db.url } : {}), properties: db.properties ?? {} };
  }

  /** Page properties for this database: title, then severity, date, status and link where the database has them. */
  properties(schema: PropertySchema, doc: NotionDocument): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const titleName = Object.entries(schema).find(([, p]) => p.type === 'title')?.[0] ?? 'Name';
    out[titleName] = { title: [{ type: 'text', text: { content: doc.title.slice(0, 2000) } }] };
    const put = (name: string, value: string | number | undefined, end?: number) => {
      const p = schema[name];
      if (!p || value === undefined || value === '') return;
      const s = String(value);
      switch (p.type) {
        case 'select':
          out[name] = { select: { name: s.replace(/,/g, ' ').slice(0, 100) } };
          break;
        case 'status':
          out[name] = { status: { name: s } };
          break;
        case 'multi_select':
          out[name] = { multi_select: [{ name: s.replace(/,/g, ' ').slice(0, 100) }] };
          break;
        case 'rich_text':
          out[name] = { rich_text: [{ type: 'text', text: { content: s.slice(0, 2000) } }] };
          break;
        case 'url':
          out[name] = { url: s };
          break;
        case 'date':
          out[name] = { date: { start: new Date(Number(value)).toISOString(), ...(end ? { end: new Date(end).toISOString() } : {}) } };
          break;
        default:
          break;
      }
    };
    put(this.names.severity, doc.severity);
    put(this.names.date, doc.date, doc.dateEnd);
    put(this.names.status, doc.status);
    put(this.names.link, doc.link);
    return out;
  }

  private async appendAll(pageId: string, blocks: NotionBlock[]): Promise<void> {
    for (let i = 0; i < blocks.length; i += MAX_CHILDREN) {
      const children = blocks.slice(i, i + MAX_CHILDREN);
      await this.call('blocks.children.append', () => this.client.blocks.children.append({ block_id: pageId, children: children as never }));
    }
  }

  private async clear(pageId: string): Promise<void> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const page = await this.call('blocks.children.list', () => this.client.blocks.children.list({ block_id: pageId, page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }));
      ids.push(...page.results.map((b) => b.id));
      if (!page.has_more || !page.next_cursor) break;
      cursor = page.next_cursor;
    }
    for (const id of ids) await this.call('blocks.delete', () => this.client.blocks.delete({ block_id: id }));
  }

  /**
   * Creates the page, or brings an existing one up to date (properties, then the body replaced). A
   * page deleted in Notion is created again. Returns the page's id and URL.
   */
  async publish(databaseId: string, existingPageId: string | undefined, doc: NotionDocument): Promise<{ pageId: string; url: string | null; created: boolean }> {
    const { properties: schema } = await this.database(databaseId);
    const properties = this.properties(schema, doc);
    const blocks = markdownToBlocks(doc.markdown);
    if (existingPageId) {
      try {
        const page = (await this.call('pages.update', () => this.client.pages.update({ page_id: existingPageId, properties: properties as never, archived: false }))) as { id: string; url?: string };
        await this.clear(existingPageId);
        await this.appendAll(existingPageId, blocks);
        return { pageId: page.id, url: page.url ?? null, created: false };
      } catch (err) {
        if (!(err instanceof NotionError) || err.code !== notionSdk().APIErrorCode.ObjectNotFound) throw err;
      }
    }
    const page = (await this.call('pages.create', () =>
      this.client.pages.create({ parent: { database_id: databaseId }, properties: properties as never, children: blocks.slice(0, MAX_CHILDREN) as never }),
    )) as { id: string; url?: string };
    await this.appendAll(page.id, blocks.slice(MAX_CHILDREN));
    return { pageId: page.id, url: page.url ?? null, created: true };
  }
}
