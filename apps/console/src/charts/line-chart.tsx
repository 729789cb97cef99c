import { yTicks } from './chart-scale';

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
  /** A dash pattern, so series differ by more than colour. */
  readonly dash?: string;
}

const W = 800;
const H = 260;
const PAD = { left: 48, right: 16, top: 12, bottom: 36 };

/**
 * A line chart drawn as SVG: counts per time bucket, one line per series. The SVG is an image
 * with a title and a summary for assistive technology; the numbers themselves are in a table
 * next to it (LineChart's caller shows one).
 */
export function LineChart({ title, labels, series }: { title: string; labels: readonly string[]; series: readonly Series[] }) {
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1];
  const n = Math.max(labels.length, 1);
  const x = (i: number) => PAD.left + (n === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const every = Math.ceil(n / 8);
  const summary = series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. Totals: ${summary}.`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} stroke="#d0d7de" />
            <text x={PAD.left - 6} y={y(t) + 4} text-anchor="end" font-size="12" fill="#57606a">
              {t}
            </text>
          </g>
        ))}
        {labels.map((l, i) =>
          i % every === 0 ? (
            <text key={l + i} x={x(i)} y={H - PAD.bottom + 18} text-anchor={n === 1 ? 'middle' : i === 0 ? 'start' : i >= n - every ? 'end' : 'middle'} font-size="12" fill="#57606a">
              {l}
            </text>
          ) : null,
        )}
        {series.map((s) => (
          <g key={s.name}>
            <polyline fill="none" stroke={s.color} stroke-width="2.5" stroke-dasharray={s.dash} points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')} />
            {s.values.map((v, i) => (
              <circle key={i} cx={x(i)} cy={y(v)} r="3" fill={s.color} />
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul class="legend">
          {series.map((s) => (
            <li key={s.name}>
              <span class="swatch" style={{ background: s.color }} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
