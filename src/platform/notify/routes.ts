import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../http/server.ts';
import { pageContext } from '../http/server.ts';
import { requireRole } from '../http/auth.ts';
import { formatInstant } from '../time/civil.ts';
import { page } from '../web/layout.ts';
import { html } from '../web/html.ts';
import { table } from '../web/components.ts';
import { messagesFor } from './outbox.ts';

const statusLabel: Record<string, { zh: string; en: string }> = {
  pending: { zh: '待发送', en: 'Queued' },
  sending: { zh: '发送中', en: 'Sending' },
  sent: { zh: '已发送', en: 'Sent' },
  failed: { zh: '发送失败', en: 'Failed' },
};

export function registerMessageRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  app.get('/api/me/messages', { schema: { tags: ['notify'], summary: '我的消息 / My messages', security: [{ bearer: [] }] } }, async (req, reply) => {
    const v = requireRole(req, reply, ['resident']);
    if (!v || v.personId === null) return reply;
    return { messages: await messagesFor(deps.db.kysely, v.personId) };
  });

  app.get('/me/messages', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    if (!req.viewer || req.viewer.personId === null) return reply.redirect('/sign-in', 303);
    const list = await messagesFor(deps.db.kysely, req.viewer.personId);
    const body = list.length
      ? table(
          [en ? 'Time' : '时间', en ? 'Message' : '内容', en ? 'Status' : '状态'],
          list.map((m) => [formatInstant(new Date(m.created_at), ctx.locale), m.body, en ? statusLabel[m.status]?.en ?? m.status : statusLabel[m.status]?.zh ?? m.status]),
        )
      : html`<p>${en ? 'No messages yet.' : '暂无消息。'}</p>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'My messages' : '我的消息', body }));
  });
}
