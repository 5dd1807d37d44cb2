// Picks the fastest variant of a kernel per adapter and shape class by timing each variant
// a few times on first use, and remembers the choice in a pluggable cache (in memory by
// default; the Worker can back it with IndexedDB, Node with a JSON file) so later runs on
// the same adapter skip the timing. Pure logic: the kernel module supplies the timers, so
// tests drive it with fake ones.

/** Where choices persist; keys are `adapter|kernel|shapeClass`, values variant names. */
export interface AutotuneCache {
  get(key: string): string | undefined | Promise<string | undefined>;
  set(key: string, variant: string): void | Promise<void>;
}

export class MemoryAutotuneCache implements AutotuneCache {
  readonly entries = new Map<string, string>();
  get(key: string): string | undefined {
    return this.entries.get(key);
  }
  set(key: string, variant: string): void {
    this.entries.set(key, variant);
  }
}

/** The file operations a JSON file cache needs (node:fs/promises fits; kept out of the engine). */
export interface JsonFileIo {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
}

/** A cache backed by one JSON object in a file (Node: bench-results/autotune.json). */
export class JsonFileAutotuneCache implements AutotuneCache {
  private loaded: Promise<Record<string, string>> | null = null;
  constructor(
    private readonly path: string,
    private readonly io: JsonFileIo,
  ) {}

  private load(): Promise<Record<string, string>> {
    // A missing or unreadable file is an empty cache: the choices are just timed again.
    this.loaded ??= this.io.readFile(this.path, 'utf8').then(
      (s) => JSON.parse(s) as Record<string, string>,
      () => ({}),
    );
    return this.loaded;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load())[key];
  }

  async set(key: string, variant: string): Promise<void> {
    const all = await this.load();
    all[key] = variant;
    await this.io.writeFile(this.path, `${JSON.stringify(all, null, 2)}\n`);
  }
}

/** One variant with a function that runs it once and returns the elapsed milliseconds. */
export interface Candidate<V extends string> {
  variant: V;
  time: () => Promise<number>;
}

export interface TuneResult<V extends string> {
  variant: V;
  /** Median ms per variant (after the discarded warm-up). */
  medians: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Times every candidate `repeats` times after one discarded warm-up (pipeline compilation,
 * first-touch), interleaving variants so a slow spell of the device hits all of them, and
 * returns the one with the lowest median. Ties go to the earlier candidate.
 */
export async function pickFastest<V extends string>(candidates: readonly Candidate<V>[], repeats = 3): Promise<TuneResult<V>> {
  if (candidates.length === 0) throw new Error('pickFastest: no candidates');
  const times = candidates.map(() => [] as number[]);
  for (const c of candidates) await c.time();
  for (let r = 0; r < Math.max(1, repeats); r++) {
    for (let i = 0; i < candidates.length; i++) times[i].push(await candidates[i].time());
  }
  const medians: Record<string, number> = {};
  let best = 0;
  candidates.forEach((c, i) => {
    medians[c.variant] = median(times[i]);
    if (medians[c.variant] < medians[candidates[best].variant]) best = i;
  });
  return { variant: candidates[best].variant, medians };
}

/** A stable key for the adapter, from what WebGPU reports about it. */
export function adapterKey(info: { vendor?: string; architecture?: string; device?: string; description?: string }): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].map((s) => (s ?? '').trim());
  return parts.some(Boolean) ? parts.join('/') : 'unknown-adapter';
}

export interface AutotunerOptions {
  adapterKey: string;
  cache?: AutotuneCache;
  /** Timed runs per variant after the warm-up. */
  repeats?: number;
  /** Called after each timing, for logs and benchmark reports. */
  onTuned?: (key: string, result: TuneResult<string>) => void;
}

/** Chooses variants per (kernel, shape class) on one adapter; concurrent asks share one timing. */
export class Autotuner {
  readonly adapterKey: string;
  readonly cache: AutotuneCache;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly opts: AutotunerOptions) {
    this.adapterKey = opts.adapterKey;
    this.cache = opts.cache ?? new MemoryAutotuneCache();
  }

  key(kernel: string, shapeClass: string): string {
    return `${this.adapterKey}|${kernel}|${shapeClass}`;
  }

  /**
   * The cached choice for this kernel and shape class, or the fastest candidate timed now
   * (`candidates` is called only then). A cached name no longer in `variants` is timed again.
   */
  choose<V extends string>(kernel: string, shapeClass: string, variants: readonly V[], candidates: () => Candidate<V>[]): Promise<V> {
    const key = this.key(kernel, shapeClass);
    let p = this.inFlight.get(key);
    if (!p) {
      p = (async () => {
        const cached = await this.cache.get(key);
        if (cached !== undefined && (variants as readonly string[]).includes(cached)) return cached;
        const result = await pickFastest(candidates(), this.opts.repeats);
        this.opts.onTuned?.(key, result);
        await this.cache.set(key, result.variant);
        return result.variant;
      })();
      this.inFlight.set(key, p);
      p.catch(() => this.inFlight.delete(key));
    }
    return p as Promise<V>;
  }
}

/** Power-of-two bucket of a dimension (1, 2, 4, ... 4096+), the unit of a shape class. */
export function sizeBucket(n: number): number {
  return Math.min(4096, 2 ** Math.ceil(Math.log2(Math.max(1, n))));
}
