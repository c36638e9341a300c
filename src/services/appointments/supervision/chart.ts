import { html, type SafeHtml } from '../../../platform/web/html.ts';

export interface Series {
  readonly name: string;
  readonly values: readonly (number | null)[];
}

const palette = ['#1d70b8', '#f47738', '#00703c', '#912b88', '#d4351c', '#505a5f'];

/**
 * A grouped bar chart as inline SVG: no script, no inline style (the CSP forbids both), with a
 * title and a description for screen readers. The numbers are also in the table under each chart.
 */
export function barChart(o: { id: string; title: string; description: string; labels: readonly string[]; series: readonly Series[]; percent?: boolean }): SafeHtml {
  const width = 720;
  const height = 240;
  const left = 48;
  const bottom = 40;
  const top = 16;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = o.percent ? 1 : Math.max(1, ...all);
  const groupW = o.labels.length ? plotW / o.labels.length : plotW;
  const barW = Math.max(1, (groupW * 0.8) / Math.max(1, o.series.length));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const fmt = (v: number) => (o.percent ? `${Math.round(v * 100)}%` : String(Math.round(v * 100) / 100));
  const ticks = [0, 0.5, 1].map((f) => f * max);
  // Label every nth group so that labels never overlap.
  const every = Math.max(1, Math.ceil(o.labels.length / 12));
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${o.id}-title ${o.id}-desc">
<title id="${o.id}-title">${o.title}</title>
<desc id="${o.id}-desc">${o.description}</desc>
${ticks.map((t) => html`<line x1="${left}" x2="${width - 8}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"/><text x="${left - 4}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#0b0c0c">${fmt(t)}</text>`)}
${o.labels.map((label, i) => {
  const x0 = left + i * groupW + groupW * 0.1;
  return html`<g>${o.series.map((s, j) => {
    const v = s.values[i];
    if (v === null || v === undefined) return '';
    const h = (v / max) * plotH;
    return html`<rect x="${(x0 + j * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${palette[j % palette.length] ?? '#1d70b8'}"><title>${label} ${s.name}: ${fmt(v)}</title></rect>`;
  })}${i % every === 0 ? html`<text x="${(x0 + (groupW * 0.8) / 2).toFixed(1)}" y="${height - bottom + 16}" font-size="11" text-anchor="middle" fill="#0b0c0c">${label}</text>` : ''}</g>`;
})}
</svg>
<figcaption>${o.series.map((s, j) => html`<span class="legend"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${palette[j % palette.length] ?? '#1d70b8'}"/></svg> ${s.name}</span> `)}</figcaption>
</figure>`;
}
