/** Remembers the last `capacity` ids, for de-duplicating redelivered messages. */
export class RecentIds {
  private readonly ids = new Set<string>();
  /** The same ids in arrival order, as a ring: the oldest is forgotten first. */
  private readonly order: Array<string | undefined>;
  private next = 0;

  private readonly capacity: number;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.order = new Array<string | undefined>(this.capacity);
  }

  /** True when the id is new (and remembers it), false for a duplicate. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    const oldest = this.order[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.order[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
    return true;
  }
}
