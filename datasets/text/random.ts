/** A seeded random source (mulberry32): the same seed gives the same draws, so samples, bootstraps and the demo brand are reproducible. */
export class Random {
  /**
   * In a typed array rather than a number field: the state is stored at every draw, and a field
   * holding numbers past 2^31 keeps each in a box of its own (half the cost of a draw in a bootstrap).
   */
  private readonly state = new Uint32Array(1);

  constructor(seed: number) {
    this.state[0] = seed;
  }

  next(): number {
    this.state[0]! += 0x6d2b79f5;
    let t = this.state[0]!;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}
