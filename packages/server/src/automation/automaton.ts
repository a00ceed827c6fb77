/**
 * An Aho–Corasick automaton over UTF-16 code units: finds every pattern occurring in a text in
 * one pass, whatever the number of patterns. Built once per set of patterns, then only read,
 * so one instance serves every request.
 */
export class KeywordAutomaton {
  /** Goto edges per node (node 0 is the root). */
  private readonly next: Map<number, number>[] = [new Map()];
  /** Failure link: the longest proper suffix of the node's path that is also a path. */
  private readonly fail: number[] = [0];
  /** Values of the patterns ending exactly at the node. */
  private readonly out: number[][] = [[]];
  /** The nearest node along the failure links with values of its own (-1: none). */
  private readonly dict: number[] = [-1];

  constructor(patterns: Iterable<{ text: string; value: number }>) {
    for (const { text, value } of patterns) {
      if (text === "") continue;
      let node = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let child = this.next[node]!.get(code);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          this.dict.push(-1);
          this.next[node]!.set(code, child);
        }
        node = child;
      }
      this.out[node]!.push(value);
    }
    this.link();
  }

  /** Number of nodes (for tests and the bench's report). */
  get size(): number {
    return this.next.length;
  }

  /** Breadth first, so a node's failure target is linked before the node. */
  private link(): void {
    const queue: number[] = [];
    for (const child of this.next[0]!.values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const [code, child] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(code)) f = this.fail[f]!;
        const target = this.next[f]!.get(code);
        const failTo = target !== undefined && target !== child ? target : 0;
        this.fail[child] = failTo;
        this.dict[child] = this.out[failTo]!.length > 0 ? failTo : this.dict[failTo]!;
        queue.push(child);
      }
    }
  }

  /** Calls `visit` with the value of every pattern occurrence in `text` (a value may repeat). */
  forEachMatch(text: string, visit: (value: number) => void): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let child = this.next[node]!.get(code);
      while (child === undefined && node !== 0) {
        node = this.fail[node]!;
        child = this.next[node]!.get(code);
      }
      node = child ?? 0;
      for (
        let hit = this.out[node]!.length > 0 ? node : this.dict[node]!;
        hit !== -1;
        hit = this.dict[hit]!
      ) {
        for (const value of this.out[hit]!) visit(value);
      }
    }
  }
}
