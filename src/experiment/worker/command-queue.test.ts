// The command queue runs tasks one after another in arrival order, even when they await.
import { describe, expect, it } from 'vitest';
import { CommandQueue } from './command-queue';

const tick = () => new Promise((done) => setTimeout(done, 1));

describe('CommandQueue', () => {
  it('never interleaves two tasks at an await, and keeps arrival order', async () => {
    const q = new CommandQueue();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      await tick();
      log.push(`${name} end`);
    };
    void q.enqueue(task('a'));
    void q.enqueue(task('b'));
    await q.enqueue(task('c'));
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('goes on after a failed task, and the failure reaches its caller', async () => {
    const q = new CommandQueue();
    const failed = q.enqueue(async () => {
      throw new Error('boom');
    });
    let ran = false;
    const next = q.enqueue(async () => {
      ran = true;
    });
    await expect(failed).rejects.toThrow('boom');
    await next;
    expect(ran).toBe(true);
  });
});
