// The command line of every CLI: node:util's parseArgs, except that --help (or -h) prints the
// command's usage and exits 0, and an unknown option, a missing value or a stray argument is
// named in one line on stderr with exit code 2, instead of Node's ERR_PARSE_ARGS_* stack trace.
// readCliArgs decides (pure, for tests); cliArgs acts on it for a CLI's top level.

import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type CliArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

export type CliOutcome<T extends ParseArgsConfig> =
  | { ok: true; args: CliArgs<T> }
  | { ok: false; exitCode: 0 | 2; stdout: string; stderr: string };

/** Node's message for a parse error, shortened to what the user needs: which option and what is wrong. */
function shortMessage(e: unknown): string | null {
  const code = (e as { code?: string } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return null;
  const message = e instanceof Error ? e.message : String(e);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const stray = /^Unexpected argument '([^']*)'/.exec(message);
  if (stray) return `unexpected argument '${stray[1]}' (this command takes options only)`;
  return message.split('\n')[0];
}

/** What the command line asks for: the parsed values, or the usage (--help), or a one-line error. */
export function readCliArgs<T extends ParseArgsConfig>(usage: string, config: T, argv: readonly string[]): CliOutcome<T> {
  const end = argv.indexOf('--');
  const options = end >= 0 ? argv.slice(0, end) : argv;
  if (options.includes('--help') || options.includes('-h')) return { ok: false, exitCode: 0, stdout: usage, stderr: '' };
  try {
    return { ok: true, args: parseArgs({ ...config, args: [...argv] } as T) };
  } catch (e) {
    const short = shortMessage(e);
    if (short === null) throw e;
    return { ok: false, exitCode: 2, stdout: '', stderr: `${short}; --help lists the options` };
  }
}

/** Parses process.argv for a CLI: prints the usage and exits on --help, prints one line and exits 2 on a wrong option. */
export function cliArgs<T extends ParseArgsConfig>(usage: string, config: T, argv: readonly string[] = process.argv.slice(2)): CliArgs<T> {
  const r = readCliArgs(usage, config, argv);
  if (r.ok) return r.args;
  if (r.stdout) console.log(r.stdout);
  if (r.stderr) console.error(r.stderr);
  process.exit(r.exitCode);
}

/** A CLI module's usage from its header: the leading `//` comment lines of the file at moduleUrl. */
export function headerUsage(moduleUrl: string | URL): string {
  const lines = readFileSync(new URL(moduleUrl), 'utf8').split('\n');
  const header: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('//')) break;
    header.push(line.replace(/^\/\/ ?/, ''));
  }
  return header.join('\n');
}
