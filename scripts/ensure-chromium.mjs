// `npm test`'s pretest step: the e2e tests drive Debian's Chromium headless and the Node GPU tests use
// its SwiftShader Vulkan driver, so a fresh machine needs the `chromium` package before anything runs.
// Installs it when it is missing and we are root (a container or CI image); otherwise stops at once
// with the exact command to run, rather than failing minutes later inside Playwright or Dawn.
// Plain Node with no dependencies: it runs before, and independently of, `npm install`.
// `--check` only reports (exit 1 when something is missing) and never installs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
/** Shipped by chromium-common, which `chromium` depends on; gpu-env.js points Dawn at it. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

/**
 * What to do, from what is on the machine. Pure, so the three cases are unit-tested.
 * @param {{ chromiumPath: string, hasChromium: boolean, needsIcd: boolean, hasIcd: boolean, isRoot: boolean }} s
 * @returns {{ action: 'ok' } | { action: 'install', missing: string[], command: string } | { action: 'stop', missing: string[], message: string }}
 */
export function decide(s) {
  const missing = [];
  if (!s.hasChromium) missing.push(s.chromiumPath);
  if (s.needsIcd && !s.hasIcd) missing.push(SWIFTSHADER_ICD);
  if (!missing.length) return { action: 'ok' };
  if (!s.hasChromium && s.chromiumPath !== CHROMIUM) {
    // apt-get cannot put a browser at a path of the user's choosing.
    return { action: 'stop', missing, message: `CHROMIUM_PATH is ${s.chromiumPath}, but there is no file there: fix the path or unset it` };
  }
  if (s.isRoot) return { action: 'install', missing, command: INSTALL_COMMAND };
  return {
    action: 'stop',
    missing,
    message:
      `npm test needs Debian's chromium package (missing: ${missing.join(', ')}): the end-to-end tests drive it ` +
      'headless and the GPU tests in Node use its SwiftShader. Install it as root, then run npm test again:\n' +
      `  sudo sh -c '${INSTALL_COMMAND}'`,
  };
}

/**
 * The machine's state. A custom browser (CHROMIUM_PATH, as in playwright.config.ts) replaces /usr/bin/chromium;
 * a Vulkan driver chosen by the caller (VK_ICD_FILENAMES / VK_DRIVER_FILES, as in gpu-env.js) makes SwiftShader unneeded.
 * @param {Record<string, string | undefined>} env
 */
export function probe(env = process.env) {
  const chromiumPath = env.CHROMIUM_PATH || CHROMIUM;
  return {
    chromiumPath,
    hasChromium: existsSync(chromiumPath),
    needsIcd: !(env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES),
    hasIcd: existsSync(SWIFTSHADER_ICD),
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
  };
}

function main() {
  const state = probe();
  const d = decide(state);
  if (d.action === 'ok') return 0;
  if (d.action === 'stop' || process.argv.includes('--check')) {
    console.error(d.action === 'stop' ? d.message : `missing: ${d.missing.join(', ')}; run: ${d.command}`);
    return 1;
  }
  console.log(`pretest: ${d.missing.join(' and ')} missing; running: ${d.command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`pretest: apt-get ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
      return 1;
    }
  }
  const after = decide(probe());
  if (after.action !== 'ok') {
    console.error(`pretest: chromium is installed but ${after.missing.join(', ')} is still missing`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
