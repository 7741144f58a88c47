/**
 * The modules this build of Vigil runs, in order. Add a domain's module here.
 */
import { teamsSection, usersSection } from '../core/config-as-code/identity-sections.js';
import type { VigilModule } from './modules.js';
import { schedulesModule } from './modules/schedules.js';

export const MODULES: VigilModule[] = [{ name: 'identity', configSections: [usersSection, teamsSection] }, schedulesModule];
