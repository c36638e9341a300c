import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../../platform/http/server.ts';
import { registerNavItem } from '../../platform/web/layout.ts';
import { registerUploadRoutes } from './routes-upload.ts';
import { registerRecordRoutes } from './routes-records.ts';
import { registerGovernanceRoutes } from './routes-governance.ts';
import { registerHealthRecordPages } from './pages/index.ts';
import { errorSchema, registerHealthRecordStatuses } from './http-helpers.ts';

/**
 * 西城区居民健康档案中心 (西卫〔2019〕4号): the public face of the service. app.ts wires
 * healthRecordsMigrations, registerHealthRecordsService, healthRecordsDirectory and the drill
 * commands; nothing else here is meant to be imported by other services.
 */
export { healthRecordsMigrations } from './migration.ts';
export { healthRecordsDirectory, type HealthRecordsDirectory, type FamilyDoctorContract, type RecordBasics } from './directory.ts';
export { assertStorageInMainland, StorageLocationError, defaultStorageRegion } from './storage-location.ts';
export { registerDrillCommands } from './cli.ts';
export { runRestoreDrill, backupAndDrill, sqliteScratch, postgresScratch, formatDrillReport, type DrillReport } from './drill.ts';
export { backupWithRotation, startScheduledBackups } from './scheduled-backup.ts';
export { seedHealthRecordsDemo } from './seed.ts';
export type { HealthRecordsTables } from './schema.ts';

export function registerHealthRecordsService(app: FastifyInstance, deps: PlatformDeps): void {
  registerNavItem({ href: '/health-records', zh: '我的健康档案', en: 'My health record', roles: ['resident'] });
  registerNavItem({ href: '/health-records/admin', zh: '健康档案管理', en: 'Health records admin', roles: ['platform_operator', 'department_reviewer', 'institution_admin'] });
  registerHealthRecordStatuses();
  app.addSchema(errorSchema);
  registerUploadRoutes(app, deps);
  registerRecordRoutes(app, deps);
  registerGovernanceRoutes(app, deps);
  registerHealthRecordPages(app, deps);
}
