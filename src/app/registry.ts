/**
 * The modules this build of Vigil runs, in order. Add a domain's module here.
 */
import type { VigilConfig } from '../config/config.js';
import { teamsSection, usersSection } from '../core/config-as-code/identity-sections.js';
import type { VigilModule } from './modules.js';
import { buildMessaging, notificationsModule } from './modules/notifications.js';
import { schedulesModule } from './modules/schedules.js';
import { availabilityModule } from './modules/availability.js';
import { alertsModule } from './modules/alerts.js';
import { incidentsModule } from './modules/incidents.js';
import { postmortemsModule } from './modules/postmortems.js';
import { triageModule } from './modules/triage.js';
import { securityModule } from './modules/security.js';
import { backlogModule } from './modules/backlog.js';
import { onboardingModule } from './modules/onboarding.js';
import { notionModule } from './modules/notion.js';
import { importsModule } from './modules/imports.js';
import { triageDecisions } from '../core/triage/triage.js';
import { backlogDone } from '../core/backlog/backlog.js';

export function defaultModules(config: VigilConfig): VigilModule[] {
  const messaging = buildMessaging(config);
  return [
    { name: 'identity', configSections: [usersSection, teamsSection] },
    schedulesModule,
    notificationsModule(config, messaging),
    availabilityModule(config),
    alertsModule,
    incidentsModule(config, messaging.slack?.workspace),
    postmortemsModule(config, { triageDecisions, backlogDone }),
    triageModule(config),
    securityModule,
    backlogModule(config),
    onboardingModule(messaging.slack?.workspace, () => Date.now()),
    notionModule(config),
    importsModule,
  ];
}
