import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from './platform/http/server.ts';
import { pageContext } from './platform/http/server.ts';
import { page } from './platform/web/layout.ts';
import { html } from './platform/web/html.ts';
import { serviceCatalog } from './catalog.ts';

export function registerHomePage(app: FastifyInstance, deps: PlatformDeps): void {
  app.get('/', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const body = html`<p>${en ? 'One platform for the services of Xicheng District, each following the 2019 district gazette article by article.' : '西城区政务服务“一网通办”：每项服务依据2019年西城区政府公报逐条办理。'}</p>
<ul class="cards">${serviceCatalog.map((s) => html`<li>
  <h2>${s.available ? html`<a href="${s.href}">${en ? s.name.en : s.name.zh}</a>` : en ? s.name.en : s.name.zh}</h2>
  <p>${en ? s.summary.en : s.summary.zh}</p>
  <p><span class="tag${s.available ? '' : ' grey'}">${s.available ? (en ? 'Available' : '已开通') : en ? 'Coming' : '即将开通'}</span> <small>${s.docs.join('、')}</small></p>
</li>`)}</ul>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Xicheng online government services' : '西城区政务服务一网通办', body }));
  });
}
