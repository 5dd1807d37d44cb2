// One tab at a time per saved run: before a run trains (started, resumed, reopened to go on),
// its Worker takes a Web Lock named after the run, and holds it until the run is replaced,
// deleted or the tab closes (the browser lets go of a closed tab's or terminated Worker's
// locks by itself). A run another tab holds is refused instead of waited for, so the page can
// say so at once. Web Locks exist in Workers; where they do not (old browsers, Node), every
// lock is granted: one tab cannot then be kept from another, but nothing stops training.

/** The part of the Web Locks API this needs (navigator.locks, or a fake in tests). */
export interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}

/** The lock's name for a run: one namespace per app, so other pages on the origin cannot collide with it. */
export const runLockName = (id: string) => `lora-lab:run:${id}`;

function browserLocks(): LockManagerLike | undefined {
  return (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
}

/**
 * Takes the run's lock if no other tab (or Worker) holds it. Resolves to the function that lets go of it, or null
 * when it is held elsewhere. Letting go twice is harmless.
 */
export function lockRun(id: string, locks: LockManagerLike | null | undefined = browserLocks()): Promise<(() => void) | null> {
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    let granted = false;
    locks
      .request(runLockName(id), { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        granted = true;
        // The lock is held for as long as this promise is pending.
        return new Promise<void>((letGo) => resolve(() => letGo()));
      })
      .catch((e: unknown) => {
        // After the lock was granted, a rejection means the browser took it back (the Worker is going away).
        if (!granted) reject(e);
      });
  });
}
