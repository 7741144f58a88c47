import type { Kysely } from 'kysely';
import type { MigrationContext } from './index.js';

/**
 * Fenced, crash-safe delivery: a lane is held by one run of its flush job (the hold lasts as long as
 * that run's job lease), a delivery remembers when it was first tried and which run had it in flight
 * (an unknown outcome is checked before it is sent again), and a lane keeps its health (failing since,
 * last error) for `/metrics`, the readiness checklist and the contact methods page.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  const ms = ctx.dialect === 'postgres' ? 'bigint' : 'integer';
  /** The flush job run holding the lane: job id and attempt (its lease is the hold). */
  await db.schema.alterTable('delivery_lanes').addColumn('holder_job_id', 'text').execute();
  await db.schema.alterTable('delivery_lanes').addColumn('holder_attempt', 'integer').execute();
  /** When the lane's current run of failures began (null: healthy). */
  await db.schema.alterTable('delivery_lanes').addColumn('failing_since', ms).execute();
  await db.schema.alterTable('delivery_lanes').addColumn('last_error', 'text').execute();
  /** When the delivery was first handed to its channel (the window searched for an unknown outcome). */
  await db.schema.alterTable('deliveries').addColumn('first_attempt_at', ms).execute();
  /** The run (`jobId#attempt`) that handed it to the channel; set while the outcome is not recorded. */
  await db.schema.alterTable('deliveries').addColumn('in_flight_run', 'text').execute();
}
