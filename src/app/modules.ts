/**
 * A domain plugs into Vigil through one module: its `vigil.yaml` sections, HTTP routes, job
 * handlers and reconcilers. The composition root lists the modules; nothing else needs to change
 * when a domain is added.
 */
import type { VigilConfig } from '../config/config.js';
import type { ConfigSection } from '../core/config-as-code/config-as-code.js';
import type { CoreDeps } from '../core/shared/ports.js';
import type { JobKind } from '../core/shared/jobs.js';
import type { KindHandlers, Reconciler } from '../engine/types.js';
import type { App, HttpDeps } from '../http/types.js';
import type { SlackHandlers } from '../core/notifications/slack-app.js';
import type { PageUnreached } from '../core/notifications/pages.js';
import type { Database } from '../storage/database.js';

export interface ModuleContext {
  config: VigilConfig;
  core: CoreDeps;
  database: Database;
}

export interface VigilModule {
  name: string;
  configSections?: ConfigSection[];
  routes?: Array<(app: App, deps: HttpDeps) => void>;
  jobHandlers?: (ctx: ModuleContext) => KindHandlers;
  reconcilers?: (ctx: ModuleContext) => Reconciler[];
  /** Domain event type -> job kinds of this module that react to it (see core/shared/publish.ts). */
  subscriptions?: Record<string, JobKind[]>;
  /** Reactions to a page being acknowledged, by what the page was about (its source type). */
  pageAcknowledged?: (ctx: ModuleContext) => Record<string, (p: { pageId: string; sourceId: string; userId: string; via: string }) => Promise<void>>;
  /** Reactions to a page that reached nobody, by what the page was about (its source type). */
  pageUnreached?: (ctx: ModuleContext) => Record<string, (p: PageUnreached) => Promise<void>>;
  /** Slash commands and button handlers this module adds to the Slack app. */
  slackHandlers?: (ctx: ModuleContext) => Partial<SlackHandlers>;
  /** The Slack app's plumbing (one module provides it). */
  slackApp?: (ctx: ModuleContext) => Omit<NonNullable<HttpDeps['slack']>, 'handlers'>;
}
