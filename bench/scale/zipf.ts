/** Key popularity: rank r of n is drawn with probability proportional to 1 / r^skew (skew 0 is uniform). */
export function zipfSampler(n: number, skew: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let rank = 1; rank <= n; rank++) {
    total += rank ** -skew;
    cdf[rank - 1] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cdf[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  };
}
