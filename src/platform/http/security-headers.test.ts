import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import { describe, expect, it } from 'vitest';
import { helmetOptions, securityHeaders } from './server.ts';

// server.ts sets precomputed headers instead of registering @fastify/helmet (per-request cost):
// they must stay exactly what helmet itself sets with the same options.
describe('security headers', () => {
  it('are exactly the headers @fastify/helmet sets with the same options', async () => {
    const app = Fastify();
    await app.register(helmet, helmetOptions);
    app.get('/', async () => ({ ok: true }));
    await app.ready();
    try {
      for (const url of ['/', '/missing']) {
        const res = await app.inject({ method: 'GET', url });
        const fromHelmet = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !['content-type', 'content-length', 'date', 'connection'].includes(name)));
        expect(fromHelmet, url).toEqual(securityHeaders);
      }
    } finally {
      await app.close();
    }
  });
});
