import type { FastifyInstance } from 'fastify';
import { buildServer, defaultServerOptions, type PlatformDeps, type ServerOptions } from './platform/http/server.ts';
import type { Db } from './platform/db/connect.ts';
import type { PlatformTables } from './platform/db/schema.ts';
import type { Clock } from './platform/time/clock.ts';
import { logSmsAdapter, type SmsAdapter } from './platform/notify/sms-adapter.ts';
import { documentOnlyVerifier, type IdentityVerifier } from './platform/identity/sign-in.ts';
import { migrateToLatest, type VersionedMigration } from './platform/db/migrate.ts';
import { platformMigrations } from './platform/migrations.ts';
import { registerIdentityRoutes } from './platform/identity/routes.ts';
import { registerIdentityPages } from './platform/identity/pages.ts';
import { registerMessageRoutes } from './platform/notify/routes.ts';
import { registerAuditRoutes } from './platform/audit/routes.ts';
import { registerLawRoutes } from './platform/law/routes.ts';
import { registerHomePage } from './home-page.ts';
import { appointmentMigrations, registerAppointmentsService } from './services/appointments/index.ts';
import { enrollmentMigrations, registerEnrollmentService } from './services/enrollment/index.ts';
import { healthRecordsDirectory, healthRecordsMigrations, registerHealthRecordsService } from './services/health-records/index.ts';
import { casesMigration } from './platform/cases/index.ts';

/** Every migration of the platform and its services, in apply order. */
export const allMigrations: readonly VersionedMigration[] = [
  ...platformMigrations,
  casesMigration,
  ...appointmentMigrations,
  ...healthRecordsMigrations,
  ...enrollmentMigrations,
];

export async function migrate(db: Db<PlatformTables>): Promise<string[]> {
  return migrateToLatest(db, allMigrations);
}

export interface AppOptions {
  db: Db<PlatformTables>;
  clock: Clock;
  sms?: SmsAdapter;
  verifier?: IdentityVerifier;
  server?: Partial<ServerOptions>;
}

/** Composition root: wires the platform's building blocks and every service together. */
export async function createApp(o: AppOptions): Promise<{ app: FastifyInstance; deps: PlatformDeps }> {
  const deps: PlatformDeps = {
    db: o.db,
    clock: o.clock,
    sms: o.sms ?? logSmsAdapter(o.db.kysely, o.clock),
    verifier: o.verifier ?? documentOnlyVerifier,
    options: { ...defaultServerOptions, ...o.server },
  };
  const app = await buildServer(deps);
  registerIdentityRoutes(app, deps);
  registerIdentityPages(app, deps);
  registerMessageRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerLawRoutes(app, deps);
  // Appointments asks health records (西卫〔2019〕5号 第二十二条) through a port; it never imports it.
  registerAppointmentsService(app, deps, { healthRecords: healthRecordsDirectory(deps.db, { clock: deps.clock }) });
  registerHealthRecordsService(app, deps);
  registerEnrollmentService(app, deps);
  registerHomePage(app, deps);
  return { app, deps };
}
