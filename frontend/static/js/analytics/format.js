// How the analytics page writes its numbers: a dash where there is nothing to show.
export const dash = "–";

export function pct(share) {
  return share === null || share === undefined ? dash : `${(share * 100).toFixed(1)} %`;
}

export function num(value, digits = 1) {
  return value === null || value === undefined ? dash : Number(value).toFixed(digits);
}

export function ms(value) {
  return value === null || value === undefined ? dash : `${Math.round(value)} ms`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return dash;
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}
