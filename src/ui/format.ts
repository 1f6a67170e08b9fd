/** Display formatting shared by the table, the charts and the status lines. */

export const formatPercent = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(digits)} %`;

export const formatLoss = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : Number.isFinite(value) ? value.toFixed(4) : String(value);

export const formatSeconds = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} s`;

export const formatCount = (value: number) => Math.round(value).toLocaleString('en-US');

export const formatMegabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
