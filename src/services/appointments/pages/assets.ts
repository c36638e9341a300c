import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * The appointments pages' stylesheet and small scripts. The platform's CSP allows only same-origin
 * scripts and styles, so the enhancement code is served from files, never inlined. Pages work
 * without them.
 */
const files: Record<string, { type: string; body: string }> = Object.fromEntries(
  [
    ['appointments.css', 'text/css; charset=utf-8'],
    ['department-filter.js', 'text/javascript; charset=utf-8'],
    ['schedule-editor.js', 'text/javascript; charset=utf-8'],
  ].map(([name, type]) => [name, { type: type as string, body: readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8') }]),
);

export function registerAppointmentAssets(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/appointments/assets/:file', { schema: { hide: true, params: { type: 'object', properties: { file: { type: 'string', pattern: '^[a-z-]+\\.(css|js)$' } } } } }, async (req, reply) => {
    const f = Object.hasOwn(files, req.params.file) ? files[req.params.file] : undefined;
    if (!f) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.header('content-type', f.type).header('cache-control', 'public, max-age=3600').send(f.body);
  });
}
