/**
 * 义务教育入学 (西教发〔2019〕10号, 11号): eligibility, admission routes, the verifiable lottery,
 * and the non-local document review. The lead wires these into app.ts and cli/main.ts:
 *   allMigrations: [...platformMigrations, casesMigration, ...enrollmentMigrations]
 *   registerEnrollmentService(app, deps)
 *   registerLotteryCommands(program, open)   (from ./cli.ts)
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import { registerNavItem } from '../../platform/web/layout.ts';
import { enrollmentDeps } from './http/context.ts';
import { registerPublicApi } from './http/api-public.ts';
import { registerParentApi } from './http/api-parent.ts';
import { registerStaffApi } from './http/api-staff.ts';
import { registerEnrollmentPages } from './pages/index.ts';

export { enrollmentMigrations } from './migrations.ts';
export { seedEnrollmentSchools, seedEnrollmentReviewers } from './seed.ts';
export { verifyPublishedDraw, type PublishedDraw } from './lottery/published.ts';

export function registerEnrollmentService(app: FastifyInstance, deps: PlatformDeps): void {
  registerNavItem({ href: '/enrollment', zh: '义务教育入学', en: 'School enrollment' });
  const d = enrollmentDeps(deps);
  registerPublicApi(app, d);
  registerParentApi(app, d);
  registerStaffApi(app, d);
  registerEnrollmentPages(app, d);
}
