// Holds a stream of frequent Worker events (training steps) and publishes them to a store at most
// every `ms`, folded into one update: a tiny config streams hundreds of steps a second, and a store
// update per step kept the page's main thread busy enough that a click waited seconds for it. The
// experiment and Pretrain stores use it; each flushes before applying any other event, so events
// keep their order, and drops what it holds when its run leaves the screen.

export interface HeldPublisher<T> {
  /** Folds `item` into what is held; the first one held starts the timer. */
  hold(item: T): void;
  /** Publishes what is held now (nothing when nothing is held). */
  flush(): void;
  /** Forgets what is held without publishing it. */
  drop(): void;
}

/**
 * `fold` adds an item to the held value (null when nothing is held yet; it may change and return
 * the value it was given) and `publish` puts a held value in the store.
 */
export function heldPublisher<T, H>(ms: number, fold: (held: H | null, item: T) => H, publish: (held: H) => void): HeldPublisher<T> {
  let held: H | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    stop();
    if (held === null) return;
    const h = held;
    held = null;
    publish(h);
  };
  return {
    hold(item) {
      held = fold(held, item);
      timer ??= setTimeout(flush, ms);
    },
    flush,
    drop() {
      stop();
      held = null;
    },
  };
}
