import type { DataDelivery } from '../../train/protocol';

const helpers = (count: number) => `${count} helper${count === 1 ? '' : 's'}`;

/** One line for Diagnostics: is the page cross-origin isolated, and how did each worker get the dataset. */
export function describeDataSharing(crossOriginIsolated: boolean, deliveries: readonly DataDelivery[]): string {
  const isolation = crossOriginIsolated ? 'Cross-origin isolated' : 'Not cross-origin isolated';
  const count = (delivery: DataDelivery) => deliveries.filter((d) => d === delivery).length;
  const downloads = count('downloaded');
  if (!downloads) return `${isolation}: the dataset is not loaded yet.`;
  const parts = [`dataset downloaded ${downloads === 1 ? 'once' : `${downloads} times`}`];
  if (count('shared')) parts.push(`shared with ${helpers(count('shared'))} (SharedArrayBuffer)`);
  if (count('copied')) parts.push(`copied once per helper (${helpers(count('copied'))})`);
  return `${isolation}: ${parts.join(', ')}.`;
}
