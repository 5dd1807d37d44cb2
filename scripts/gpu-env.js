// Environment that lets Node's Dawn find a Vulkan driver on machines without a GPU.
// If the caller configured a Vulkan ICD already, nothing changes; otherwise, when
// Debian's Chromium is installed, use its SwiftShader ICD and its bundled Vulkan loader
// (so the machine needs no separate libvulkan1 package).
import { existsSync, readdirSync } from 'node:fs';

const CHROMIUM_DIR = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
const SYSTEM_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

/**
 * True when a hardware GPU with a system Vulkan driver is present. Mesa's CPU driver
 * (lavapipe) does not count: Dawn rejects it.
 */
function hasSystemIcd() {
  const gpuNode = existsSync('/dev/dri') || readdirSafe('/dev').some((f) => f.startsWith('nvidia'));
  if (!gpuNode) return false;
  for (const dir of ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d']) {
    if (readdirSafe(dir).some((f) => f.endsWith('.json') && !f.startsWith('lvp'))) return true;
  }
  return false;
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** @param {Record<string, string | undefined>} env */
export function gpuEnvForNode(env) {
  /** @type {Record<string, string>} */
  const out = {};
  const hasIcd = Boolean(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES);
  if (!hasIcd && !hasSystemIcd() && existsSync(SWIFTSHADER_ICD)) {
    out.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const hasLoader = SYSTEM_LOADERS.some((p) => existsSync(p));
  if (!hasLoader && existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`)) {
    const prev = env.LD_LIBRARY_PATH;
    out.LD_LIBRARY_PATH = prev ? `${CHROMIUM_DIR}:${prev}` : CHROMIUM_DIR;
  }
  return out;
}
