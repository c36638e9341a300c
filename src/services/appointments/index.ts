import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import type { Db } from '../../platform/db/connect.ts';
import { groupCommitter } from '../../platform/db/group-commit.ts';
import type { AppointmentDb } from './schema.ts';
import type { AppointmentsDeps } from './routes/context.ts';
import { registerBookingRoutes } from './routes/bookings.ts';
import { registerScheduleRoutes } from './routes/schedule.ts';
import { registerRegistryRoutes } from './routes/registries.ts';
import { registerResidentPages } from './pages/resident.ts';
import { registerAdminPages } from './pages/admin.ts';
import { registerNavItem } from '../../platform/web/layout.ts';

export { appointmentMigrations } from './migrations.ts';
export { sweepNoShows } from './store/violations.ts';
export type { AppointmentDb } from './schema.ts';

/** 区分级诊疗平台 (西卫〔2019〕5号): registries, schedules, availability and booking. */
export function registerAppointmentsService(app: FastifyInstance, deps: PlatformDeps): AppointmentsDeps {
  const adb = deps.db as unknown as Db<AppointmentDb>;
  const sdeps: AppointmentsDeps = { ...deps, adb, k: adb.kysely, committer: groupCommitter(adb) };
  registerNavItem({ href: '/appointments', zh: '预约挂号', en: 'Appointments' });
  registerNavItem({ href: '/appointments/mine', zh: '我的预约', en: 'My bookings', roles: ['resident'] });
  registerNavItem({ href: '/appointments/admin', zh: '机构管理', en: 'Institution admin', roles: ['institution_admin'] });
  registerRegistryRoutes(app, sdeps);
  registerScheduleRoutes(app, sdeps);
  registerBookingRoutes(app, sdeps);
  registerResidentPages(app, sdeps);
  registerAdminPages(app, sdeps);
  return sdeps;
}
