import type { FastifyInstance } from 'fastify';
import type { EnrollmentDeps } from '../http/context.ts';
import { registerPublicPages } from './public.ts';
import { registerParentPages } from './parent.ts';
import { registerStaffPages } from './staff.ts';

export function registerEnrollmentPages(app: FastifyInstance, deps: EnrollmentDeps): void {
  registerPublicPages(app, deps);
  registerParentPages(app, deps);
  registerStaffPages(app, deps);
}
