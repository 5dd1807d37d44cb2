// The suite refuses figures from work the device rejected, and counts submits without
// leaving its wrapper on the queue.
import { describe, expect, it } from 'vitest';
import { acquireDevice } from '../../engine/index';
import { checked, countSubmits } from './timing';

describe('bench timing guards', () => {
  it('throws when the device reports an error during the measured work', async () => {
    const { device } = await acquireDevice();
    // MAP_READ may only pair with COPY_DST: a validation error, as from a kernel that does not compile.
    const bad = () => Promise.resolve(device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }));
    await expect(checked(device, 'test', bad)).rejects.toThrow(/GPU errors during the test benchmark/);
    await expect(checked(device, 'test', async () => 42)).resolves.toBe(42);
  });

  it('counts submits and restores the queue', async () => {
    const { device } = await acquireDevice();
    const submitOf = device.queue.submit;
    const { value, submits } = await countSubmits(device, async () => {
      device.queue.submit([device.createCommandEncoder().finish()]);
      device.queue.submit([device.createCommandEncoder().finish(), device.createCommandEncoder().finish()]);
      return 'done';
    });
    expect([value, submits]).toEqual(['done', 2]);
    expect(device.queue.submit).toBe(submitOf);
    expect(Object.prototype.hasOwnProperty.call(device.queue, 'submit')).toBe(false);
  });
});
