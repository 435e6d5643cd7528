/**
 * The next due instant of each relationship, in a keyed binary min-heap:
 * updating one relationship and finding the earliest are O(log n), so a
 * scheduler never scans every relationship to know when to wake up.
 */
export interface QueuedDeadline {
  readonly key: string;
  /** Epoch ms. */
  readonly at: number;
}

export class DeadlineQueue {
  private readonly heap: QueuedDeadline[] = [];
  private readonly indexOf = new Map<string, number>();

  get size(): number {
    return this.heap.length;
  }

  has(key: string): boolean {
    return this.indexOf.has(key);
  }

  peek(): QueuedDeadline | undefined {
    return this.heap[0];
  }

  /** Sets (or, with `at` null, removes) the key's due instant. */
  set(key: string, at: number | null): void {
    const index = this.indexOf.get(key);
    if (at === null) {
      if (index !== undefined) this.removeAt(index);
      return;
    }
    if (index === undefined) {
      this.heap.push({ key, at });
      this.indexOf.set(key, this.heap.length - 1);
      this.up(this.heap.length - 1);
      return;
    }
    this.heap[index] = { key, at };
    this.down(this.up(index));
  }

  /** Removes and returns the earliest entry due at or before `now`. */
  popDue(now: number): QueuedDeadline | undefined {
    const top = this.heap[0];
    if (top === undefined || top.at > now) return undefined;
    this.removeAt(0);
    return top;
  }

  private removeAt(index: number): void {
    const removed = this.heap[index]!;
    const last = this.heap.pop()!;
    this.indexOf.delete(removed.key);
    if (index === this.heap.length) return;
    this.heap[index] = last;
    this.indexOf.set(last.key, index);
    this.down(this.up(index));
  }

  /** Moves the entry at `index` towards the root while it is earlier than its parent; returns where it ends. */
  private up(index: number): number {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.heap[parent]!.at <= this.heap[i]!.at) break;
      this.swap(i, parent);
      i = parent;
    }
    return i;
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.heap[left]!.at < this.heap[smallest]!.at) smallest = left;
      if (right < this.heap.length && this.heap[right]!.at < this.heap[smallest]!.at) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const entry = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = entry;
    this.indexOf.set(this.heap[a]!.key, a);
    this.indexOf.set(entry.key, b);
  }
}
