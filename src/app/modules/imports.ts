/**
 * Imports from OpsGenie and PagerDuty started in the web UI: the CLI's import run (`migrate/`), in
 * this process, through config-as-code with the admin's own rights; the web UI polls its progress.
 */
import { importRoutes } from '../../http/routes/imports.js';
import { ImportRuns } from '../../migrate/runs.js';
import type { VigilModule } from '../modules.js';

export const importsModule: VigilModule = {
  name: 'imports',
  routes: [importRoutes((deps) => new ImportRuns({ core: deps.core, configAsCode: deps.configAsCode }))],
};
