// "Run this at scale": the files of the real-scale recipe (training script, launch and
// evaluation scripts, Accelerate configs, requirements, plot script, README) for a playground
// experiment and the chosen model and dataset, and the zip that holds them: one function,
// recipeDownload, builds the file for both the page's Export panel and `npm run export -- --recipe`.

import type { ExperimentConfig } from '../../config';
import { zipFiles } from '../bundle';
import { checkRecipeOptions, recipeDomain, type RecipeOptions } from './options';
import { recipeReadme } from './readme';
import { ACCELERATE_CONFIGS, evalSh, REQUIREMENTS, runAllSh } from './scripts';
import PLOT_PY from './templates/plot.py?raw';
import TRAIN_PY from './templates/train.py?raw';

export * from './options';

export function recipeFiles(c: ExperimentConfig, o: RecipeOptions, preset: string): Record<string, string> {
  const errs = checkRecipeOptions(o, c);
  if (errs.length) throw new Error(`invalid recipe options: ${errs.join('; ')}`);
  const methods = {
    domain: recipeDomain(c), model: o.model,
    methods: c.methods.map((m) => ({ id: m.id, label: m.label ?? m.id, kind: m.kind })),
  };
  return {
    'README.md': recipeReadme(c, o, preset),
    'train.py': TRAIN_PY,
    'plot.py': PLOT_PY,
    'run_all.sh': runAllSh(c, o),
    'eval.sh': evalSh(c, o),
    'requirements.txt': REQUIREMENTS,
    'methods.json': JSON.stringify(methods, null, 2) + '\n',
    'experiment.json': JSON.stringify(c, null, 2) + '\n',
    ...ACCELERATE_CONFIGS,
  };
}

/** The recipe as a zip with one top-level folder (deterministic: fixed entry times and order). */
export function recipeZip(c: ExperimentConfig, o: RecipeOptions, preset: string): Uint8Array {
  const folder = recipeFolder(preset);
  const files = Object.fromEntries(Object.entries(recipeFiles(c, o, preset)).map(([k, v]) => [`${folder}/${k}`, v]));
  return zipFiles(files);
}

export const recipeFolder = (preset: string) => `lora-lab-${preset}-at-scale`;

/** The downloadable recipe, as the page saves it and the CLI writes it: the same bytes for the same settings. */
export function recipeDownload(c: ExperimentConfig, o: RecipeOptions, preset: string): { name: string; mime: string; bytes: Uint8Array } {
  return { name: `${recipeFolder(preset)}.zip`, mime: 'application/zip', bytes: recipeZip(c, o, preset) };
}
