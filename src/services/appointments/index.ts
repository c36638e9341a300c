import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import type { Db } from '../../platform/db/connect.ts';
import { groupCommitter } from '../../platform/db/group-commit.ts';
import type { AppointmentDb } from './schema.ts';
import type { AppointmentsDeps } from './routes/context.ts';
import { registerBookingRoutes } from './routes/bookings.ts';
import { registerMoveAfterStopRoutes } from './routes/move-after-stop.ts';
import { registerAfterStopPages } from './pages/after-stop.ts';
import { registerAdminRegistryPages } from './pages/admin-registry.ts';
import { registerScheduleRoutes } from './routes/schedule.ts';
import { registerRegistryRoutes } from './routes/registries.ts';
import { registerResidentPages } from './pages/resident.ts';
import { registerAdminPages } from './pages/admin.ts';
import { registerAppointmentAssets } from './pages/assets.ts';
import { registerFrontDesk } from './pages/front-desk.ts';
import { registerPhonePages } from './pages/phone.ts';
import { registerViolationPages } from './pages/violations.ts';
import { registerFamilyBooking } from './pages/family-booking.ts';
import { registerNavItem, registerRoleHome } from '../../platform/web/layout.ts';
import type { AppointmentsPorts } from './referrals/eligibility.ts';
import type { ReferralDeps } from './referrals/context.ts';
import { registerReferralRoutes } from './referrals/routes.ts';
import { registerClinicRoutes } from './referrals/clinic-routes.ts';
import { registerReferralPages } from './referrals/pages.ts';
import { registerClinicPages } from './referrals/clinic-pages.ts';
import { registerClinicToday } from './pages/clinic-today.ts';
import { registerSupervisionRoutes } from './supervision/routes.ts';
import { registerSupervisionPages } from './supervision/pages.ts';
import { registerFhirRoutes } from './fhir/routes.ts';

export { appointmentMigrations } from './migrations.ts';
export { sweepNoShows } from './store/violations.ts';
export type { AppointmentDb } from './schema.ts';
export type { AppointmentsPorts, HealthRecordsPort, HandBack, FamilyDoctorContractFacts } from './referrals/eligibility.ts';
export { redeliverHandBacks } from './referrals/handback.ts';

/**
 * 区分级诊疗平台 (西卫〔2019〕5号): registries, schedules, availability and booking; community referrals
 * up and down, in-clinic booking, supervision, disclosure and FHIR. `ports.healthRecords` is the
 * health-records service seen through the interface referrals need (第二十二条); without it referrals
 * are refused with health_records_unavailable.
 */
export function registerAppointmentsService(app: FastifyInstance, deps: PlatformDeps, ports: AppointmentsPorts = {}): AppointmentsDeps {
  const adb = deps.db as unknown as Db<AppointmentDb>;
  const sdeps: AppointmentsDeps = { ...deps, adb, k: adb.kysely, committer: groupCommitter(adb) };
  registerNavItem({ href: '/appointments', zh: '预约挂号', en: 'Appointments' });
  registerNavItem({ href: '/appointments/mine', zh: '我的预约', en: 'My bookings', roles: ['resident'] });
  registerNavItem({ href: '/appointments/admin', zh: '机构管理', en: 'Institution admin', roles: ['institution_admin'] });
  registerRegistryRoutes(app, sdeps);
  registerScheduleRoutes(app, sdeps);
  registerBookingRoutes(app, sdeps);
  registerMoveAfterStopRoutes(app, sdeps);
  registerResidentPages(app, sdeps);
  registerAfterStopPages(app, sdeps);
  registerAdminPages(app, sdeps);
  registerAdminRegistryPages(app, sdeps);
  registerAppointmentAssets(app);
  registerFamilyBooking(app, sdeps);
  // Front desk (第二十六条 check-in, 第十条 (三) window tickets), phone booking (第三十三条) and the
  // violation list (第六条 (三), 第三十二条): the roles are those the matching APIs allow.
  registerNavItem({ href: '/appointments/window', zh: '挂号窗口', en: 'Registration window', roles: ['institution_admin'] });
  registerNavItem({ href: '/appointments/kiosk', zh: '自助机', en: 'Kiosk', roles: ['kiosk'] });
  // The hall machine has one job: after sign-in it opens on the kiosk screen.
  registerRoleHome('kiosk', '/appointments/kiosk');
  registerNavItem({ href: '/appointments/phone', zh: '电话预约', en: 'Phone booking', roles: ['platform_operator'] });
  registerNavItem({ href: '/appointments/violations', zh: '违约名单', en: 'Violation list', roles: ['platform_operator'] });
  registerFrontDesk(app, sdeps, 'window');
  registerFrontDesk(app, sdeps, 'kiosk');
  registerPhonePages(app, sdeps);
  registerViolationPages(app, sdeps);
  const rdeps: ReferralDeps = { ...sdeps, ports };
  registerNavItem({ href: '/referrals', zh: '社区转诊', en: 'Referrals', roles: ['family_doctor'] });
  registerNavItem({ href: '/referrals/queue', zh: '转诊接诊', en: 'Incoming referrals', roles: ['institution_admin', 'doctor'] });
  registerNavItem({ href: '/appointments/clinic', zh: '诊间预约', en: 'In-clinic booking', roles: ['doctor'] });
  registerNavItem({ href: '/appointments/clinic/today', zh: '今日患者', en: 'Today’s patients', roles: ['doctor'] });
  registerNavItem({ href: '/appointments/supervision', zh: '监管统计', en: 'Supervision', roles: ['platform_operator'] });
  registerNavItem({ href: '/appointments/supervision/report', zh: '考核报告', en: 'Assessment report', roles: ['institution_admin'] });
  registerNavItem({ href: '/appointments/disclosure', zh: '预约公示', en: 'Disclosure' });
  registerReferralRoutes(app, rdeps);
  registerClinicRoutes(app, rdeps);
  registerSupervisionRoutes(app, sdeps);
  registerFhirRoutes(app, rdeps);
  registerReferralPages(app, rdeps);
  registerClinicPages(app, rdeps);
  registerClinicToday(app, rdeps);
  registerSupervisionPages(app, sdeps);
  return sdeps;
}
