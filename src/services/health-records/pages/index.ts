import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../../platform/http/server.ts';
import { registerResidentPages } from './resident.ts';
import { registerAdminPages } from './admin.ts';
import { registerStatisticsPage } from './statistics.ts';

export function registerHealthRecordPages(app: FastifyInstance, deps: PlatformDeps): void {
  registerResidentPages(app, deps);
  registerAdminPages(app, deps);
  registerStatisticsPage(app, deps);
}
