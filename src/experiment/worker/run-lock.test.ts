// The run lock: a second holder of the same run is refused (null) while the first holds it, gets
// it once the first lets go, other runs are independent, and without Web Locks every lock is
// granted. The fake lock manager follows the Web Locks rules for `ifAvailable` requests: the
// callback gets null when the name is held, else a lock held until its returned promise settles.
import { describe, expect, it } from 'vitest';
import { lockRun, runLockName, type LockManagerLike } from './run-lock';

class FakeLocks implements LockManagerLike {
  readonly held = new Set<string>();

  async request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => unknown): Promise<unknown> {
    if (this.held.has(name)) {
      expect(options.ifAvailable).toBe(true);
      return callback(null);
    }
    this.held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      this.held.delete(name);
    }
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('lockRun', () => {
  it('refuses a run held elsewhere and grants it once released', async () => {
    const locks = new FakeLocks();
    const releaseA = await lockRun('run-1', locks);
    expect(releaseA).toBeTypeOf('function');
    expect(locks.held.has(runLockName('run-1'))).toBe(true);
    // Another tab (same lock manager) asks for the same run: refused at once, not queued.
    expect(await lockRun('run-1', locks)).toBeNull();
    // A different run is free.
    const releaseOther = await lockRun('run-2', locks);
    expect(releaseOther).toBeTypeOf('function');
    releaseA!();
    await tick();
    expect(locks.held.has(runLockName('run-1'))).toBe(false);
    const releaseB = await lockRun('run-1', locks);
    expect(releaseB).toBeTypeOf('function');
    // Letting go twice is harmless.
    releaseA!();
    await tick();
    expect(locks.held.has(runLockName('run-1'))).toBe(true);
    releaseB!();
    releaseOther!();
    await tick();
    expect(locks.held.size).toBe(0);
  });

  it('grants every lock when the browser has no Web Locks', async () => {
    const a = await lockRun('x', null);
    const b = await lockRun('x', null);
    expect(a).toBeTypeOf('function');
    expect(b).toBeTypeOf('function');
    expect(() => a!()).not.toThrow();
  });

  it('rejects when the lock manager refuses the request itself', async () => {
    const broken: LockManagerLike = { request: () => Promise.reject(new DOMException('no', 'SecurityError')) };
    await expect(lockRun('x', broken)).rejects.toThrow('no');
  });
});
