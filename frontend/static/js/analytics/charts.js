// The page's plots, drawn with Chart.js (vendored UMD build: window.Chart). Each canvas holds
// one chart; drawing it again replaces the one before.
const drawn = new Map();
const COLOURS = { noc: "#2563eb", median: "#93c5fd", abandoned: "#f59e0b", over: "#dc2626", rejected: "#7c3aed", rtt: "#0f766e", p95: "#5eead4", engine: "#64748b" };
const percentAxis = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "% of objects" } };

export function draw(id, config) {
  const canvas = document.getElementById(id);
  if (!canvas) return null;
  drawn.get(id)?.destroy();
  const chart = new window.Chart(canvas, {
    ...config,
    options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
  });
  drawn.set(id, chart);
  return chart;
}

const share = (value) => (value === null || value === undefined ? null : value * 100);

export function nocHistogram(distribution) {
  const limit = distribution.noc_limit;
  const counts = distribution.counts;
  return {
    type: "bar",
    data: {
      labels: counts.map((c) => String(c.noc)),
      datasets: [{
        label: "accepted objects",
        data: counts.map((c) => c.objects),
        backgroundColor: counts.map((c) => (c.noc > limit ? COLOURS.over : COLOURS.noc)),
      }],
    },
    options: {
      plugins: { title: { display: true, text: `Model interactions per accepted object (red: over the limit of ${limit}); ${distribution.abandoned} abandoned` }, legend: { display: false } },
      scales: { x: { title: { display: true, text: "clicks, boxes and scribbles" } }, y: { beginAtZero: true, title: { display: true, text: "objects" } } },
    },
  };
}

function figuresOver(labels, groups, title) {
  return {
    data: {
      labels,
      datasets: [
        { type: "bar", label: "NoC mean", data: groups.map((g) => g.noc_mean), backgroundColor: COLOURS.noc, yAxisID: "y" },
        { type: "bar", label: "NoC median", data: groups.map((g) => g.noc_median), backgroundColor: COLOURS.median, yAxisID: "y" },
        { type: "line", label: "abandoned %", data: groups.map((g) => share(g.abandoned_share)), borderColor: COLOURS.abandoned, backgroundColor: COLOURS.abandoned, yAxisID: "pct" },
        { type: "line", label: "over the limit %", data: groups.map((g) => share(g.over_limit_share)), borderColor: COLOURS.over, backgroundColor: COLOURS.over, yAxisID: "pct" },
        { type: "line", label: "rejected in review %", data: groups.map((g) => share(g.rejected_share)), borderColor: COLOURS.rejected, backgroundColor: COLOURS.rejected, yAxisID: "pct" },
      ],
    },
    options: {
      plugins: { title: { display: true, text: title } },
      scales: { y: { beginAtZero: true, title: { display: true, text: "NoC" } }, pct: percentAxis },
    },
  };
}

export function overTime(groups, period) {
  const ordered = [...groups].reverse();  // oldest first, left to right
  return { type: "bar", ...figuresOver(ordered.map((g) => g.key), ordered, `NoC and failures per ${period}`) };
}

export function perGroup(groups, what) {
  return { type: "bar", ...figuresOver(groups.map((g) => g.name), groups, `NoC and failures per ${what}`) };
}

export function learningCurve(curve) {
  const middle = (b) => (b.first + b.last) / 2;
  const data = [{ label: "mean NoC of the stretch", data: curve.bins.map((b) => ({ x: middle(b), y: b.noc_mean })), borderColor: COLOURS.noc, backgroundColor: COLOURS.noc, showLine: true }];
  if (curve.trend) {
    data.push({ label: "trend (least squares)", data: [{ x: 1, y: curve.trend.start }, { x: curve.objects, y: curve.trend.end }], borderColor: COLOURS.over, borderDash: [6, 4], pointRadius: 0, showLine: true });
  }
  return {
    type: "scatter",
    data: { datasets: data },
    options: {
      plugins: { title: { display: true, text: `${curve.name}: NoC over its ${curve.objects} accepted objects` } },
      scales: { x: { min: 1, max: curve.objects, title: { display: true, text: "object, in the order made" } }, y: { beginAtZero: true, title: { display: true, text: "NoC" } } },
    },
  };
}

export function healthOverDays(groups) {
  const ordered = [...groups].reverse();
  const series = (label, key, colour) => ({ type: "line", label, data: ordered.map((g) => g[key]), borderColor: colour, backgroundColor: colour });
  return {
    type: "line",
    data: {
      labels: ordered.map((g) => g.key),
      datasets: [series("round trip p50", "rtt_p50_ms", COLOURS.rtt), series("round trip p95", "rtt_p95_ms", COLOURS.p95), series("engine p50", "engine_p50_ms", COLOURS.engine),
        { type: "bar", label: "over one second %", data: ordered.map((g) => share(g.over_one_second)), backgroundColor: "#fecaca", yAxisID: "pct" }],
    },
    options: {
      plugins: { title: { display: true, text: "Round trip of model interactions per day (UTC)" } },
      scales: { y: { beginAtZero: true, title: { display: true, text: "ms" } }, pct: { ...percentAxis, title: { display: true, text: "% of interactions" } } },
    },
  };
}
