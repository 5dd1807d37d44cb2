// One command at a time: the Worker's commands run in the order they arrive, each after the
// previous one has finished, so two clicks cannot interleave at an `await` (two "Step once"
// clicks used to run two steps at once and label them with the wrong step and learning rate).
// A training loop must not hold the queue: hosts start loops detached and keep their promise.

export class CommandQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` after every task queued before it; its failure does not stop the queue. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every task queued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
