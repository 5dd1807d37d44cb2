// Nothing outside src/engine/ builds a tensor name by hand: the engine exports its typed name
// builders (weightName, layerParamName, loraParamName from engine/index.ts), so a renamed
// parameter is one edit and a compile error everywhere else, not a silent miss in a lookup.
// This scans every source and test file outside the engine for the hand-built forms (a
// template or concatenation starting with `layers.`, a projection → weight-name map) and
// proves the scan catches each of them. Hugging Face names (`model.layers.${l}…`) are
// export formats, not engine names, and are allowed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The hand-built forms: [what, pattern]. */
const HAND_BUILT: Array<[string, RegExp]> = [
  ['a template starting with layers.${…}', /(?<![\w.$])`?layers\.\$\{/],
  ["a concatenation of 'layers.'", /['"`]layers\.['"`]\s*\+/],
  ['a projection → weight-name map', /\bq\s*:\s*['"]wq['"]/],
];

/** Hand-built tensor names in one file's text, as "line: what". */
export function handBuiltNames(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [what, re] of HAND_BUILT) if (re.test(line)) out.push(`${i + 1}: ${what}`);
  });
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('tensor names are built by the engine only', () => {
  it('no file outside src/engine/ builds one by hand', () => {
    const self = fileURLToPath(import.meta.url);
    const found = sourceFiles(join(root, 'src'))
      .filter((f) => !f.startsWith(join(root, 'src', 'engine')) && f !== self)
      .flatMap((f) => handBuiltNames(readFileSync(f, 'utf8')).map((hit) => `${relative(root, f)}:${hit}`));
    expect(found).toEqual([]);
  });

  it('catches each hand-built form and lets the builders and export formats through', () => {
    expect(handBuiltNames('const name = `layers.${l}.${WEIGHT[p]}`;')).toHaveLength(1);
    expect(handBuiltNames('trainable.get(`layers.${l}.${p}.lora_A`)')).toHaveLength(1);
    expect(handBuiltNames("const p = 'layers.' + l;")).toHaveLength(1);
    expect(handBuiltNames("const W = { q: 'wq', k: 'wk' };")).toHaveLength(1);
    expect(handBuiltNames('const name = weightName(l, p);')).toEqual([]);
    expect(handBuiltNames('return `model.layers.${l}.${HF[p]}.weight`;')).toEqual([]);
    expect(handBuiltNames('`base_model.model.model.layers.${layer}.mlp`')).toEqual([]);
  });
});
