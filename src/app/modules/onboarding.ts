/**
 * Onboarding, wired: invites (email, or a Slack channel's members) and the Slack directory that the
 * web UI's channel and user-group pickers read.
 */
import type { SlackDirectory } from '../../core/notifications/channels.js';
import { onboardingRoutes } from '../../http/routes/onboarding.js';
import type { VigilModule } from '../modules.js';

export function onboardingModule(slack: SlackDirectory | undefined, now: () => number): VigilModule {
  return {
    name: 'onboarding',
    routes: [onboardingRoutes({ ...(slack ? { slack } : {}), now })],
  };
}
