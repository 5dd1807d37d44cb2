// Every CLI answers --help with its usage and names a wrong option in one line (exit code 2),
// never with Node's ERR_PARSE_ARGS_* stack trace: readCliArgs's decisions, then each entry point
// run as a user runs it (a child process) with --help and with an option it does not have.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { headerUsage, readCliArgs } from './args';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = { options: { steps: { type: 'string' }, quick: { type: 'boolean', default: false } } } as const;

describe('readCliArgs', () => {
  it('parses options, answers --help with the usage, and names what is wrong in one line', () => {
    const ok = readCliArgs('usage', config, ['--steps', '5', '--quick']);
    expect(ok.ok && ok.args.values).toEqual({ steps: '5', quick: true });
    expect(readCliArgs('the usage', config, ['--steps', 'x', '--help'])).toEqual({ ok: false, exitCode: 0, stdout: 'the usage', stderr: '' });
    expect(readCliArgs('u', config, ['-h'])).toMatchObject({ ok: false, exitCode: 0 });
    expect(readCliArgs('u', config, ['--', '--help'])).toMatchObject({ ok: false, exitCode: 2 }); // after --, a positional
    expect(readCliArgs('u', config, ['--bogus'])).toEqual({ ok: false, exitCode: 2, stdout: '', stderr: 'unknown option --bogus; --help lists the options' });
    expect(readCliArgs('u', config, ['--steps'])).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^Option '--steps <value>' argument missing; --help/) });
    expect(readCliArgs('u', config, ['stray'])).toMatchObject({ exitCode: 2, stderr: "unexpected argument 'stray' (this command takes options only); --help lists the options" });
  });

  it('reads a usage from a module header', () => {
    expect(headerUsage(new URL('./args.ts', import.meta.url))).toMatch(/^The command line of every CLI/);
  });
});

/** Entry points (run as `node scripts/node-gpu.js src/cli/NAME.ts`); every other module in src/cli is listed as a library. */
const ENTRY = [
  'bench', 'bench-kernel-variants', 'bench-lockstep', 'bench-lora', 'bench-matmul-variants', 'experiment', 'export', 'pretrain',
  'profile', 'sample', 'sweep', 'tour-results',
];
const NOT_YET: string[] = [];
const LIBRARY = ['args', 'bench-kernels', 'dispatch-profile', 'metrics', 'pretrain-options', 'progress', 'seeds'];

const run = promisify(execFile);
async function cli(name: string, arg: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', '--import', './scripts/register-wgsl.js', `src/cli/${name}.ts`, arg], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('every CLI', () => {
  it('is an entry point or a library module (a new CLI joins ENTRY)', () => {
    const modules = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3));
    expect(modules.sort()).toEqual([...ENTRY, ...NOT_YET, ...LIBRARY].sort());
  });

  it('answers --help with its usage and an unknown option with one line naming it (exit 2)', async () => {
    const results: Array<[string, string, Awaited<ReturnType<typeof cli>>]> = [];
    const queue = ENTRY.flatMap((name) => [[name, '--help'], [name, '--no-such-option']] as const);
    // Two at a time: each is a Node process compiling TypeScript.
    await Promise.all([0, 1].map(async () => {
      for (let job = queue.shift(); job; job = queue.shift()) results.push([job[0], job[1], await cli(job[0], job[1])]);
    }));
    for (const [name, arg, r] of results) {
      expect(r.stderr, `${name} ${arg}`).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
      if (arg === '--help') {
        expect(r.code, `${name} --help`).toBe(0);
        expect(r.stdout.length, `${name} --help prints its usage`).toBeGreaterThan(40);
      } else {
        expect(r.code, `${name} ${arg}`).toBe(2);
        expect(r.stderr.split('\n')[0], `${name} ${arg}`).toMatch(/^(unknown option --no-such-option; --help lists the options|Unknown option '--no-such-option')$/);
      }
    }
  }, 240_000);
});
