/**
 * platform/cases: the case-workflow building block (steps, parallel reviews, date windows,
 * working-day deadlines). Knows no service; a service defines a WorkflowDefinition and calls these
 * inside its own transactions. Add casesMigration to the platform migrations.
 */
export * from './definition.ts';
export * from './window.ts';
export * from './store.ts';
export type { CaseTables } from './schema.ts';
export { casesMigration } from './migration.ts';
