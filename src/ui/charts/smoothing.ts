/**
 * TensorBoard's smoothing (tensorboard/components/vz_line_chart2): an exponential moving
 * average whose start is debiased (divided by 1 - weight^n), so the first points are not
 * pulled towards zero. A constant series is left alone, non-finite values pass through and
 * do not enter the average, and weight 0 is the raw series.
 */
export function smoothDebiased(values: readonly number[], weight: number): number[] {
  if (weight <= 0 || values.every((v) => v === values[0])) return [...values];
  let average = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    average = average * weight + (1 - weight) * value;
    count += 1;
    return average / (1 - weight ** count);
  });
}
