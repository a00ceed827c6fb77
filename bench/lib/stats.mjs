// Numbers for benches that keep every sample: growable typed arrays and
// nearest-rank percentiles.

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export const wallMs = () => performance.timeOrigin + performance.now();

/** A typed array that grows as values are appended. */
export class Samples {
  /** @param {Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Uint16ArrayConstructor} Type */
  constructor(Type = Float64Array, capacity = 1024) {
    this.Type = Type;
    this.data = new Type(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) this.#grow(this.length * 2);
    this.data[this.length++] = value;
  }

  /** The values so far (a view, not a copy). */
  values() {
    return this.data.subarray(0, this.length);
  }

  /** Hands the values over and starts empty again. */
  take() {
    const taken = this.data.slice(0, this.length);
    this.length = 0;
    return taken;
  }

  #grow(capacity) {
    const next = new this.Type(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** A Float64Array indexed by a sequence number, NaN where nothing was set; grows as needed. */
export class ByIndex {
  constructor(capacity = 1 << 16) {
    this.data = new Float64Array(capacity).fill(Number.NaN);
    this.size = 0;
  }

  set(index, value) {
    if (index >= this.data.length) {
      let capacity = this.data.length;
      while (capacity <= index) capacity *= 2;
      const next = new Float64Array(capacity).fill(Number.NaN);
      next.set(this.data);
      this.data = next;
    }
    this.data[index] = value;
    if (index + 1 > this.size) this.size = index + 1;
  }

  get(index) {
    return index < this.data.length ? this.data[index] : Number.NaN;
  }
}

/**
 * Nearest-rank percentiles of a list of numbers (Infinity allowed: it sorts last).
 * @param {ArrayLike<number>} values
 * @param {number[]} quantiles in 0..1
 * @returns {number[]} NaN for each quantile when there are no values
 */
export function percentiles(values, quantiles) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return quantiles.map((q) =>
    n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))],
  );
}
