import { html, type SafeHtml } from '../../../platform/web/html.ts';

/** A horizontal bar chart as inline SVG (no script); suppressed cells are drawn as a hatched "<5". */
export function barChart(title: string, bars: readonly { label: string; value: number | null }[], width = 560): SafeHtml {
  const rowH = 28;
  const labelW = 200;
  const max = Math.max(1, ...bars.map((b) => b.value ?? 0));
  const h = bars.length * rowH + 10;
  return html`<figure class="chart"><figcaption>${title}</figcaption>
<svg role="img" aria-label="${title}" width="100%" viewBox="0 0 ${width} ${h}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
${bars.map((b, i) => {
  const y = i * rowH + 5;
  const w = b.value === null ? 0 : Math.max(2, ((width - labelW - 60) * b.value) / max);
  return html`<text x="0" y="${y + 18}" font-size="13">${b.label.length > 16 ? `${b.label.slice(0, 15)}…` : b.label}</text>
<rect x="${labelW}" y="${y + 4}" width="${w}" height="18" fill="#1d70b8"></rect>
<text x="${labelW + w + 6}" y="${y + 18}" font-size="13">${b.value === null ? '<5' : String(b.value)}</text>`;
})}
</svg></figure>`;
}
