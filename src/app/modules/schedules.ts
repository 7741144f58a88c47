import { schedulesSection } from '../../core/config-as-code/schedules-section.js';
import { HANDOFF_JOB, REMINDER_JOB, RUNNING_SHIFT_JOB, processHandoffs, reconcileSchedules, remindShift, syncRunningShift } from '../../core/schedules/schedules.js';
import { calendarRoutes, scheduleRoutes } from '../../http/routes/schedules.js';
import type { VigilModule } from '../modules.js';

export const schedulesModule: VigilModule = {
  name: 'schedules',
  configSections: [schedulesSection],
  routes: [scheduleRoutes, calendarRoutes],
  jobHandlers: ({ core }) => ({
    [HANDOFF_JOB]: async (job) => {
      await core.uow.run((r) => processHandoffs(r, job.payload.scheduleId, core.clock.now(), core.publish));
    },
    [RUNNING_SHIFT_JOB]: async (job) => {
      await core.uow.run((r) => syncRunningShift(r, job.payload.scheduleId, job.payload.changeId ?? job.id, core.clock.now(), core.publish));
    },
    [REMINDER_JOB]: async (job) => {
      const p = job.payload;
      await remindShift(core, p);
    },
  }),
  reconcilers: ({ core }) => [() => reconcileSchedules(core)],
};
