import type { FastifyInstance } from 'fastify';
import type { PlatformDeps } from '../http/server.ts';
import { pageContext } from '../http/server.ts';
import { sendRefusal } from '../http/refusal.ts';
import { page } from '../web/layout.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { button } from '../web/components.ts';
import { formatCivilDate, parseCivilDate } from '../time/civil.ts';
import { reason } from './decision.ts';
import { findDocument, loadGazette, searchLaw, type GazetteDocument, type SearchHit } from './index.ts';
import { GROUPS } from './toc.ts';

const notFound = reason('not_found', '公报中没有这个文号的文件', 'The gazette has no document with this number');

function documentSummary(d: GazetteDocument) {
  return { docNumber: d.docNumber, title: d.title, group: d.group, issuers: d.issuers, date: d.date, disclosure: d.disclosure, articleCount: d.articles.length, url: `/law/${encodeURIComponent(d.docNumber)}` };
}

function highlighted(hit: SearchHit): SafeHtml {
  const parts: SafeHtml[] = [];
  let at = 0;
  for (const m of hit.matches) {
    if (m.start < at) continue;
    parts.push(html`${hit.snippet.slice(at, m.start)}<mark>${hit.snippet.slice(m.start, m.end)}</mark>`);
    at = m.end;
  }
  parts.push(html`${hit.snippet.slice(at)}`);
  return html`${parts}`;
}

function hitUrl(h: SearchHit): string {
  return `/law/${encodeURIComponent(h.docNumber)}${h.articleId ? `#${encodeURIComponent(h.articleId)}` : ''}`;
}

/** The gazette as cited law: API and pages (table of contents, document with article anchors, search). */
export function registerLawRoutes(app: FastifyInstance, deps: PlatformDeps): void {
  const gazette = loadGazette();

  app.get('/api/law/documents', { schema: { tags: ['law'], summary: '公报文件目录 / The 21 documents' } }, async () => ({
    title: gazette.title,
    documents: gazette.documents.map(documentSummary),
  }));

  app.get<{ Params: { docNumber: string } }>(
    '/api/law/documents/:docNumber',
    { schema: { tags: ['law'], summary: '文件全文及条款 / A document with its articles (doc number URL-encoded)', params: { type: 'object', properties: { docNumber: { type: 'string', maxLength: 40 } }, required: ['docNumber'] } } },
    async (req, reply) => {
      const d = findDocument(req.params.docNumber, gazette);
      if (!d) return sendRefusal(req, reply, [notFound]);
      return { ...documentSummary(d), body: d.body, articles: d.articles.map((a) => ({ id: a.id, heading: a.heading, text: a.text, parentId: a.parentId, url: `/law/${encodeURIComponent(d.docNumber)}#${encodeURIComponent(a.id)}` })) };
    },
  );

  app.get<{ Querystring: { q: string; limit?: string } }>(
    '/api/law/search',
    {
      schema: {
        tags: ['law'],
        summary: '全文检索（中文无需分词） / Full-text search, Chinese without word breaks',
        querystring: { type: 'object', additionalProperties: false, required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 100 }, limit: { type: 'string', pattern: '^\\d{1,3}$' }, lang: { type: 'string' } } },
      },
    },
    async (req) => ({ query: req.query.q, hits: searchLaw(gazette, req.query.q, Math.min(Number(req.query.limit ?? 20), 200)).map((h) => ({ ...h, url: hitUrl(h) })) }),
  );

  app.get('/law', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const fmt = (d: string) => formatCivilDate(parseCivilDate(d), ctx.locale);
    const body = html`<form method="get" action="/law/search" class="search-form" role="search">
<label for="q" class="visually-hidden">${en ? 'Search the gazette' : '检索公报'}</label>
<input class="input" id="q" name="q" type="search" placeholder="${en ? 'e.g. 预约, 计算机派位' : '例如：预约、计算机派位'}">
${button(en ? 'Search' : '检索')}
</form>
<p>${gazette.title}</p>
${GROUPS.map((g) => html`<h2>【${g}】</h2><ul>${gazette.documents.filter((d) => d.group === g).map((d) => html`<li><a href="/law/${encodeURIComponent(d.docNumber)}">${d.title}</a> <small>${d.docNumber} · ${fmt(d.date)}</small></li>`)}</ul>`)}`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Xicheng gazette 2019' : '西城区政府公报（2019）', body }));
  });

  app.get<{ Params: { docNumber: string } }>('/law/:docNumber', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const d = findDocument(req.params.docNumber, gazette);
    if (!d) {
      return reply.code(404).type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Document not found' : '未找到文件', body: html`<p>${en ? 'The gazette has no document with this number.' : '公报中没有这个文号的文件。'} <a href="/law">${en ? 'All documents' : '全部文件'}</a></p>` }));
    }
    const body = html`<p><strong>${d.docNumber}</strong> · ${d.issuers.join('、')} · ${formatCivilDate(parseCivilDate(d.date), ctx.locale)}${d.disclosure ? html` · <span class="tag grey">${d.disclosure}</span>` : ''}</p>
${d.articles.length ? html`<nav aria-label="${en ? 'Articles' : '条款目录'}"><details><summary>${en ? `${d.articles.length} articles` : `共${d.articles.length}条（款）`}</summary><p>${d.articles.map((a) => html`<a href="#${a.id}">${a.id}</a> `)}</p></details></nav>` : ''}
${d.articles.map((a) => html`<section class="article" id="${a.id}">${a.heading ? html`<h2>${a.heading}</h2>` : ''}<p><a class="label" href="#${a.id}">${a.id}</a> ${a.text}</p></section>`)}
${d.articles.length === 0 ? html`<pre class="body">${d.body}</pre>` : ''}`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: d.title, body, back: { href: '/law', label: en ? 'All documents' : '全部文件' } }));
  });

  app.get<{ Querystring: { q?: string } }>('/law/search', { schema: { hide: true } }, async (req, reply) => {
    const ctx = pageContext(req, deps.clock);
    const en = ctx.locale === 'en';
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const hits = q.trim() ? searchLaw(gazette, q, 50) : [];
    const body = html`<form method="get" action="/law/search" class="search-form" role="search">
<label for="q" class="visually-hidden">${en ? 'Search the gazette' : '检索公报'}</label>
<input class="input" id="q" name="q" type="search" value="${q}">
${button(en ? 'Search' : '检索')}
</form>
${q.trim() ? html`<p>${en ? `${hits.length} results for “${q}”` : `“${q}”共找到 ${hits.length} 处`}</p>` : ''}
<ol>${hits.map((h) => html`<li><a href="${hitUrl(h)}">${h.docNumber} ${h.articleId ?? ''}</a> <small>${h.title}</small><br>${highlighted(h)}</li>`)}</ol>`;
    return reply.type('text/html; charset=utf-8').send(page(ctx, { title: en ? 'Search the gazette' : '检索公报', body, back: { href: '/law', label: en ? 'All documents' : '全部文件' } }));
  });
}
