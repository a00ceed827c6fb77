/**
 * The requests out now, each in a slot that is reused once it ends. A Set with an add and a
 * delete per request rebuilt its hash table every few requests, and since the Set lives as
 * long as the worker, each table went to the old generation: garbage by the thousand a
 * second that only a full collection reclaims. Slots cost an array write each way.
 */
export class Outstanding<T> {
  readonly #slots: (T | undefined)[] = [];
  readonly #free: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Holds `item`; returns its slot, for {@link remove}. */
  add(item: T): number {
    this.#size++;
    const slot = this.#free.pop();
    if (slot === undefined) return this.#slots.push(item) - 1;
    this.#slots[slot] = item;
    return slot;
  }

  remove(slot: number): void {
    if (this.#slots[slot] === undefined) return;
    this.#slots[slot] = undefined;
    this.#free.push(slot);
    this.#size--;
  }

  /** What is held now. */
  items(): T[] {
    return this.#slots.filter((item): item is T => item !== undefined);
  }
}
