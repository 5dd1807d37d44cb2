// A Worker host whose module is imported on its first command, so the Worker's first download
// holds only the experiment run (the first screen's job): sweeps, export (onnx-proto), analysis
// (ml-matrix), the benchmark suite and pretraining arrive when a student first uses them.
// `loaded` is the host once it exists: a host that was never loaded has nothing to pause or halt.

export class LazyHost<T> {
  private promise: Promise<T> | null = null;
  /** The host, once its module has loaded; null before. */
  loaded: T | null = null;

  constructor(private readonly load: () => Promise<T>) {}

  /** The host, importing its module the first time; a failed import is retried on the next call. */
  get(): Promise<T> {
    this.promise ??= this.load().then(
      (host) => (this.loaded = host),
      (e: unknown) => {
        this.promise = null;
        throw e;
      },
    );
    return this.promise;
  }
}
