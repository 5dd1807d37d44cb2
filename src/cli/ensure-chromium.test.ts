// The pretest step's decision (scripts/ensure-chromium.mjs): nothing to do when Chromium and its
// SwiftShader driver are there, install as root, stop with the exact command otherwise.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, decide, SWIFTSHADER_ICD } from '../../scripts/ensure-chromium.mjs';

const present = { chromiumPath: '/usr/bin/chromium', hasChromium: true, needsIcd: true, hasIcd: true, isRoot: false };

describe('ensure-chromium decide', () => {
  it('does nothing when the browser and the SwiftShader ICD are present', () => {
    expect(decide(present)).toEqual({ action: 'ok' });
    expect(decide({ ...present, isRoot: true })).toEqual({ action: 'ok' });
  });

  it('installs with apt-get when something is missing and we are root', () => {
    expect(decide({ ...present, hasChromium: false, hasIcd: false, isRoot: true })).toEqual({
      action: 'install',
      missing: ['/usr/bin/chromium', '/usr/lib/chromium/vk_swiftshader_icd.json'],
      command: 'apt-get update && apt-get install -y chromium',
    });
    // The browser alone is not enough: the Node GPU tests need the driver.
    expect(decide({ ...present, hasIcd: false, isRoot: true })).toMatchObject({ action: 'install', missing: [SWIFTSHADER_ICD] });
  });

  it('stops with the exact command when something is missing and we are not root', () => {
    const d = decide({ ...present, hasChromium: false });
    expect(d.action).toBe('stop');
    expect(d).toMatchObject({ missing: [CHROMIUM] });
    expect((d as { message: string }).message).toContain("sudo sh -c 'apt-get update && apt-get install -y chromium'");
  });

  it('needs no SwiftShader when the caller chose a Vulkan driver, and never apt-installs to a custom path', () => {
    expect(decide({ ...present, needsIcd: false, hasIcd: false })).toEqual({ action: 'ok' });
    const d = decide({ ...present, chromiumPath: '/opt/chrome/chrome', hasChromium: false, isRoot: true });
    expect(d.action).toBe('stop');
    expect((d as { message: string }).message).toContain('CHROMIUM_PATH is /opt/chrome/chrome');
  });

  it('as a script, --check exits 1 and names what is missing', () => {
    const script = fileURLToPath(new URL('../../scripts/ensure-chromium.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8', env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/nonexistent/chromium');
  });
});
