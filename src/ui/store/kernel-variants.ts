// The kernel-variant setting of the Diagnostics view, kept in localStorage (a broken or
// missing entry reads as all 'auto') and read by the client whenever it starts a Worker.
import { parseKernelVariants, type KernelVariantSettings } from '../../experiment/kernel-settings';

const KEY = 'lora-lab:kernel-variants';

export function loadKernelVariants(): KernelVariantSettings {
  try {
    return parseKernelVariants(localStorage.getItem(KEY));
  } catch {
    return parseKernelVariants(null); // storage blocked: nothing forced
  }
}

export function storeKernelVariants(s: KernelVariantSettings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage blocked: the setting lasts until the tab closes (the Worker already has it).
  }
}
