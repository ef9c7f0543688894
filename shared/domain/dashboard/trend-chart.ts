import { html, type SafeHtml } from '../../runtime/html.ts';
import type { TrendSession } from '../checkins/group-trend.ts';

/** At most this many (most recent) sessions are drawn; the table always lists them all. */
export const CHART_SESSIONS = 26;

const W = 420;
const H = 230;
const M = { left: 46, right: 26, top: 14, bottom: 32 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export const chartStyles = `
.chart{width:100%;max-width:36rem;height:auto;display:block;margin:1rem 0 .5rem}
.chart .grid{stroke:var(--muted);stroke-opacity:.35;stroke-width:1}
.chart .bar{fill:var(--accent);fill-opacity:.45}
.chart .line{fill:none;stroke:var(--fg);stroke-width:2.5;stroke-linejoin:round}
.chart .point{fill:var(--fg)}
.chart text{fill:var(--muted);font:14px system-ui,sans-serif}
.legend{display:flex;flex-wrap:wrap;gap:.4rem 1.4rem;list-style:none;padding:0;margin:0 0 1rem}
.swatch{display:inline-block;width:.9rem;height:.9rem;vertical-align:-.1rem;margin-right:.4rem}
.swatch.bar{background:var(--accent);opacity:.45}
.swatch.point{background:var(--fg);border-radius:50%}
`;

const f1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A small inline SVG chart (no script, no inline styles: classes styled by the page's nonce'd
 * stylesheet): response rate as bars on the left axis (0–100 %), mean answer as points joined by
 * a line on the right axis (1–5), drawn only for sessions with enough answers. The accessible
 * name and description summarise it; the table next to it holds every figure.
 */
export function trendChart(sessions: readonly TrendSession[], label: (s: TrendSession) => string): SafeHtml {
  const shown = sessions.slice(-CHART_SESSIONS);
  const n = shown.length;
  const band = PW / Math.max(n, 1);
  const barW = Math.min(28, band * 0.6);
  const x = (i: number) => M.left + band * i + band / 2;
  const yRate = (r: number) => M.top + PH * (1 - r);
  const yMean = (m: number) => M.top + PH * (1 - (m - 1) / 4);
  const every = Math.ceil(n / 8);

  const grid = [0, 0.5, 1].map(
    (r) => html`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${f1(yRate(r))}" y2="${f1(yRate(r))}"/>
<text x="${M.left - 6}" y="${f1(yRate(r) + 4)}" text-anchor="end">${Math.round(r * 100)}%</text>
<text x="${W - M.right + 6}" y="${f1(yRate(r) + 4)}">${1 + r * 4}</text>`,
  );
  const bars = shown.map((s, i) => {
    const rate = s.responseRate ?? 0;
    return html`<rect class="bar" x="${f1(x(i) - barW / 2)}" y="${f1(yRate(rate))}" width="${f1(barW)}" height="${f1(PH * rate)}"/>`;
  });
  // The mean line breaks where a session's mean is hidden (fewer than 5 answers).
  const runs: string[][] = [];
  let run: string[] = [];
  shown.forEach((s, i) => {
    if (s.mean === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(`${f1(x(i))},${f1(yMean(s.mean))}`);
  });
  if (run.length) runs.push(run);
  const lines = runs.filter((r) => r.length > 1).map((r) => html`<polyline class="line" points="${r.join(' ')}"/>`);
  const points = shown.map((s, i) =>
    s.mean === null ? '' : html`<circle class="point" cx="${f1(x(i))}" cy="${f1(yMean(s.mean))}" r="4"/>`,
  );
  const labels = shown.map((s, i) =>
    i % every === 0 || i === n - 1
      ? html`<text x="${f1(x(i))}" y="${H - M.bottom + 18}" text-anchor="middle">${label(s)}</text>`
      : '',
  );

  const rates = shown.map((s) => s.responseRate ?? 0);
  const withMean = shown.filter((s) => s.mean !== null).length;
  const desc = n
    ? `${n} session${n === 1 ? '' : 's'} from ${label(shown[0] as TrendSession)} to ${label(shown[n - 1] as TrendSession)}. ` +
      `Response rate between ${Math.round(Math.min(...rates) * 100)}% and ${Math.round(Math.max(...rates) * 100)}%. ` +
      `Mean answer shown for ${withMean} of them; the others had fewer than 5 answers.`
    : 'No sessions with check-ins yet.';
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc" focusable="false">
<title id="chart-title">Response rate and mean answer per session</title>
<desc id="chart-desc">${desc}</desc>
${grid}${bars}${lines}${points}${labels}
</svg>
<ul class="legend">
<li><span class="swatch bar" aria-hidden="true"></span>Response rate (left scale, %)</li>
<li><span class="swatch point" aria-hidden="true"></span>Mean answer (right scale, 1 very low to 5 very good)</li>
</ul>`;
}
