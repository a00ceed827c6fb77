/**
 * Cuts rows for multi-row INSERTs into chunks whose sizes are powers of two, none over `max`
 * (itself a power of two): 1,000 rows go as 512, 256, 128, 64, 32, 8.
 *
 * Each row count is a statement of its own to the store's cache of prepared statements (by SQL
 * text). Chunks of any size from 1 to 500 filled that cache with hundreds of large statements —
 * the server's RSS grew by 100 MB over a million-message campaign, and the statements every
 * request runs were pushed out of the cache. Powers of two make at most log2(max) + 1 shapes.
 */
export function* powerOfTwoChunks<T>(rows: readonly T[], max: number): Generator<T[]> {
  if (!Number.isInteger(Math.log2(max))) throw new RangeError(`max must be a power of two, not ${max}`);
  for (let i = 0; i < rows.length; ) {
    const size = 2 ** Math.floor(Math.log2(Math.min(rows.length - i, max)));
    yield rows.slice(i, i + size);
    i += size;
  }
}
