/**
 * The modules this build of Vigil runs, in order. Add a domain's module here.
 */
import type { VigilConfig } from '../config/config.js';
import { teamsSection, usersSection } from '../core/config-as-code/identity-sections.js';
import type { VigilModule } from './modules.js';
import { notificationsModule } from './modules/notifications.js';
import { schedulesModule } from './modules/schedules.js';
import { availabilityModule } from './modules/availability.js';
import { alertsModule } from './modules/alerts.js';

export function defaultModules(config: VigilConfig): VigilModule[] {
  return [{ name: 'identity', configSections: [usersSection, teamsSection] }, schedulesModule, notificationsModule(config), availabilityModule(config), alertsModule];
}
