/**
 * Jobs of kinds the registry (src/core/shared/jobs.ts) does not know, for tests and benchmarks of the
 * engine itself: the job queue stores them as given and the engine runs them without a payload check.
 */
import type { JobQueue, JobSpec, Repos } from '../../src/core/shared/ports.js';

export interface AdHocJobSpec {
  kind: string;
  payload?: Record<string, unknown>;
  runAt?: number;
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface AdHocJobQueue {
  enqueue(job: AdHocJobSpec): ReturnType<JobQueue['enqueue']>;
}

/** The transaction's job queue, taking any kind. */
export function adHocJobs(r: Pick<Repos, 'jobs'>): AdHocJobQueue {
  return { enqueue: (job) => r.jobs.enqueue(job as unknown as JobSpec) };
}
