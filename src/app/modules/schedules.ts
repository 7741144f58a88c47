import { schedulesSection } from '../../core/config-as-code/schedules-section.js';
import { HANDOFF_JOB, REMINDER_JOB, RUNNING_SHIFT_JOB, processScheduleHandoffs, publishRunningShift, reconcileSchedules, remindShift } from '../../core/schedules/schedules.js';
import { systemCtx } from '../../core/shared/context.js';
import { calendarRoutes, scheduleRoutes } from '../../http/routes/schedules.js';
import type { VigilModule } from '../modules.js';

export const schedulesModule: VigilModule = {
  name: 'schedules',
  configSections: [schedulesSection],
  routes: [scheduleRoutes, calendarRoutes],
  jobHandlers: ({ core, config }) => ({
    [HANDOFF_JOB]: async (job) => {
      await processScheduleHandoffs(core, systemCtx(core.clock.now(), config.publicUrl), { scheduleId: String(job.payload.scheduleId) });
    },
    [RUNNING_SHIFT_JOB]: async (job) => {
      await publishRunningShift(core, systemCtx(core.clock.now(), config.publicUrl), { scheduleId: String(job.payload.scheduleId), changeId: String(job.payload.changeId ?? job.id) });
    },
    [REMINDER_JOB]: async (job) => {
      const p = job.payload;
      await remindShift(core, systemCtx(core.clock.now(), config.publicUrl), p);
    },
  }),
  reconcilers: ({ core, config }) => [() => reconcileSchedules(core, systemCtx(core.clock.now(), config.publicUrl))],
};
