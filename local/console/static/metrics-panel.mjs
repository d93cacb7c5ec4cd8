/**
 * The metrics panel: per minute, jobs submitted, completed and failed, and queue-wait and
 * processing-time percentiles, as the CloudWatch dashboard shows them deployed, from the EMF
 * lines the handlers write (`/_console/api/metrics`). Charted with uPlot (loaded as a classic
 * script: `window.uPlot`). Series differ by dash pattern as well as colour; a text line states
 * the last minute's numbers.
 */
import { api } from './api.mjs';
import { byId, el, setText } from './dom.mjs';

const SOLID = [];
const DASHED = [8, 4];
const DOTTED = [2, 4];

const CHARTS = [
  {
    id: 'chart-counts',
    series: [
      { label: 'Submitted', stroke: '#1d4ed8', dash: SOLID, value: (b) => b.counts.JobsSubmitted },
      { label: 'Completed', stroke: '#15803d', dash: DASHED, value: (b) => b.counts.JobsCompleted },
      { label: 'Failed', stroke: '#b91c1c', dash: DOTTED, value: (b) => b.counts.JobsFailed },
    ],
    combine: 'sum',
  },
  ...[
    ['chart-wait', 'queueWaitMs'],
    ['chart-processing', 'processingMs'],
  ].map(([id, key]) => ({
    id,
    series: [
      { label: 'p50', stroke: '#1d4ed8', dash: SOLID, value: (b) => b[key]?.p50 },
      { label: 'p90', stroke: '#a16207', dash: DASHED, value: (b) => b[key]?.p90 },
      { label: 'p99', stroke: '#b91c1c', dash: DOTTED, value: (b) => b[key]?.p99 },
    ],
    // Percentiles do not add up across job types: "all" shows the slowest type's.
    combine: 'max',
  })),
];

/** Per chart: x (minute starts, epoch s) and one array per series, null where nothing was seen. */
function columns(snapshot, jobName) {
  const end = Math.floor(Date.parse(snapshot.generatedAt) / 60_000) * 60;
  const minutes = Array.from(
    { length: snapshot.windowMinutes },
    (_, i) => end - (snapshot.windowMinutes - 1 - i) * 60,
  );
  const index = new Map(minutes.map((minute, i) => [minute, i]));
  const buckets = snapshot.buckets.filter((b) => !jobName || b.jobName === jobName);
  return CHARTS.map((chart) => {
    const data = [minutes, ...chart.series.map(() => minutes.map(() => null))];
    for (const bucket of buckets) {
      const i = index.get(Date.parse(bucket.minute) / 1000);
      if (i === undefined) continue;
      chart.series.forEach((series, s) => {
        const value = series.value(bucket);
        if (value === undefined) return;
        const seen = data[s + 1][i];
        data[s + 1][i] =
          seen === null ? value : chart.combine === 'sum' ? seen + value : Math.max(seen, value);
      });
    }
    return data;
  });
}

function summary(data) {
  const last = (series) => {
    for (let i = series.length - 1; i >= 0; i -= 1) if (series[i] !== null) return series[i];
    return undefined;
  };
  const [counts, wait, processing] = data;
  const count = (s) => last(counts[s]) ?? 0;
  const ms = (chart) =>
    last(chart[1]) === undefined ? 'none' : `p50 ${last(chart[1])} ms, p99 ${last(chart[3])} ms`;
  return (
    `Latest minute with data: ${count(1)} submitted, ${count(2)} completed, ${count(3)} failed; ` +
    `queue wait ${ms(wait)}; processing ${ms(processing)}.`
  );
}

export function metricsPanel({ info }) {
  const select = byId('metrics-name');
  for (const type of info.jobTypes)
    select.append(el('option', { text: type.name, attrs: { value: type.name } }));
  let plots = [];
  let lastSnapshot;

  function draw(snapshot) {
    const data = columns(snapshot, select.value);
    if (plots.length === 0) {
      plots = CHARTS.map((chart, i) => {
        const target = byId(chart.id);
        return new window.uPlot(
          {
            width: Math.max(target.clientWidth, 200),
            height: 180,
            series: [
              {},
              ...chart.series.map(({ label, stroke, dash }) => ({
                label,
                stroke,
                dash,
                width: 2,
                spanGaps: false,
              })),
            ],
            axes: [{}, { size: 56 }],
          },
          data[i],
          target,
        );
      });
    } else
      plots.forEach((plot, i) => {
        plot.setData(data[i]);
      });
    setText(byId('metrics-summary'), summary(data));
  }

  async function refresh() {
    const snapshot = await api.metrics();
    setText(
      byId('metrics-note'),
      snapshot.enabled ? `Last ${snapshot.windowMinutes} minutes, per minute.` : snapshot.note,
    );
    lastSnapshot = snapshot;
    draw(snapshot);
  }

  select.addEventListener('change', () => {
    if (lastSnapshot) draw(lastSnapshot);
  });
  window.addEventListener('resize', () => {
    for (const plot of plots)
      plot.setSize({ width: Math.max(plot.root.parentElement.clientWidth, 200), height: 180 });
  });
  return { refresh };
}
