import type { VersionedMigration } from './db/migrate.ts';
import { identityMigration } from './identity/migration.ts';
import { auditMigration } from './audit/migration.ts';
import { notifyMigration } from './notify/migration.ts';

/** The platform's own schema; services append theirs in app.ts. */
export const platformMigrations: readonly VersionedMigration[] = [identityMigration, auditMigration, notifyMigration];
