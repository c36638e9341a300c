import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import type { Db } from '../../platform/db/connect.ts';
import { groupCommitter } from '../../platform/db/group-commit.ts';
import type { AppointmentDb } from './schema.ts';
import type { AppointmentsDeps } from './routes/context.ts';
import { registerBookingRoutes } from './routes/bookings.ts';
import { registerScheduleRoutes } from './routes/schedule.ts';
import { registerRegistryRoutes } from './routes/registries.ts';

export { appointmentMigrations } from './migrations.ts';
export { sweepNoShows } from './store/violations.ts';
export type { AppointmentDb } from './schema.ts';

/** 区分级诊疗平台 (西卫〔2019〕5号): registries, schedules, availability and booking. */
export function registerAppointmentsService(app: FastifyInstance, deps: PlatformDeps): AppointmentsDeps {
  const adb = deps.db as unknown as Db<AppointmentDb>;
  const sdeps: AppointmentsDeps = { ...deps, adb, k: adb.kysely, committer: groupCommitter(adb) };
  registerRegistryRoutes(app, sdeps);
  registerScheduleRoutes(app, sdeps);
  registerBookingRoutes(app, sdeps);
  return sdeps;
}
