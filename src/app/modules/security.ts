/**
 * Security reports, wired: the report form and the security tools' webhook. A report is a private
 * incident, so the incidents module runs it from there on.
 */
import { securityRoutes } from '../../http/routes/security.js';
import type { VigilModule } from '../modules.js';

export const securityModule: VigilModule = {
  name: 'security',
  routes: [securityRoutes],
};
