// The generated shell side of the recipe: run_all.sh (one `accelerate launch train.py` per
// playground method, with every setting as an argument, then evaluation and the plot),
// eval.sh (lm-evaluation-harness on the base model and every trained method), the
// Accelerate configs (one GPU, one node with several GPUs, several nodes) and requirements.

import { PROJECTIONS } from '../../../engine/index';
import type { ExperimentConfig, MethodConfig } from '../../config';
import { PEFT_MODULE } from '../peft';
import { EVAL_TASKS, FORGETTING_TASKS, LM_EVAL_MIN, RECIPE_DATASETS, recipeAnswerOnly, recipeDomain, type RecipeOptions } from './options';

/** A shell word: single-quoted unless it is plainly safe. */
export function sh(v: string | number): string {
  const s = String(v);
  return /^[A-Za-z0-9_./:=,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** train.py's arguments for one method (every playground setting of the method and the shared schedule). */
export function trainArgs(c: ExperimentConfig, m: MethodConfig, o: RecipeOptions): Array<[string, string | number | null]> {
  const ds = RECIPE_DATASETS.find((d) => d.id === o.dataset)!;
  const args: Array<[string, string | number | null]> = [
    ['--method-id', m.id], ['--label', m.label ?? m.id], ['--kind', m.kind], ['--model', '"$MODEL"'], ['--dataset', ds.id],
    ...(ds.dataDir ? [['--dataset-dir', ds.dataDir] as [string, string]] : []),
    ['--lr', m.lr], ['--schedule', c.schedule.kind], ['--warmup-steps', c.schedule.warmupSteps], ['--weight-decay', m.weightDecay],
    ['--max-grad-norm', c.maxGradNorm], ['--steps', c.steps], ['--seed', c.seed],
    ['--global-batch-size', o.globalBatchSize], ['--micro-batch-size', o.microBatchSize], ['--seq-len', o.seqLen],
    ['--eval-every', c.evalInterval], ['--eval-batches', c.evalBatches],
  ];
  if (recipeAnswerOnly(c, o).atScale) args.push(['--answer-only', null]);
  if (m.kind === 'full') args.push(['--dropout', m.dropout]);
  else {
    args.push(['--rank', m.rank], ['--alpha', m.alpha], ['--lora-dropout', m.dropout]);
    args.push(['--target-modules', PROJECTIONS.filter((p) => m.targets.includes(p)).map((p) => PEFT_MODULE[p]).join(',')]);
    if (m.scaling === 'rslora') args.push(['--use-rslora', null]);
  }
  return args;
}

const line = (args: Array<[string, string | number | null]>) =>
  args.map(([k, v]) => (v === null ? k : `${k} ${String(v).startsWith('"$') ? v : sh(v)}`)).join(' \\\n    ');

export function runAllSh(c: ExperimentConfig, o: RecipeOptions): string {
  const train = c.methods.map((m) => `  echo "== training ${m.id} =="\n  accelerate launch --config_file "$ACCELERATE_CONFIG" train.py \\\n    ${line(trainArgs(c, m, o))} \\\n    $EXTRA_ARGS`);
  return `#!/usr/bin/env bash
# Trains every method of the playground experiment, evaluates them and draws the plot.
#   ACCELERATE_CONFIG  accelerate/one_gpu.yaml (default), accelerate/multi_gpu.yaml or accelerate/multi_node.yaml
#   MODEL              base model (default ${o.model})
#   EXTRA_ARGS         more train.py arguments for every method, e.g. "--bf16 --gradient-checkpointing"
#   STAGES             which stages to run (default "train eval plot")
set -euo pipefail
cd "$(dirname "$0")"
ACCELERATE_CONFIG="\${ACCELERATE_CONFIG:-accelerate/one_gpu.yaml}"
MODEL="\${MODEL:-${o.model}}"
EXTRA_ARGS="\${EXTRA_ARGS:-}"
STAGES="\${STAGES:-train eval plot}"
export MODEL

if [[ " $STAGES " == *" train "* ]]; then
${train.join('\n')}
fi
if [[ " $STAGES " == *" eval "* ]]; then
  bash eval.sh
fi
if [[ " $STAGES " == *" plot "* ]]; then
  python3 plot.py --results results --methods methods.json --out learn_vs_forget.png
fi
`;
}

export function evalSh(c: ExperimentConfig, o: RecipeOptions): string {
  const domain = recipeDomain(c);
  const tasks = [EVAL_TASKS[domain].learning, ...FORGETTING_TASKS].join(',');
  const models = [
    `run_eval base "pretrained=$MODEL,dtype=bfloat16"`,
    ...c.methods.map((m) => (m.kind === 'lora'
      ? `run_eval ${sh(m.id)} "pretrained=$MODEL,peft=runs/${m.id},dtype=bfloat16"`
      : `run_eval ${sh(m.id)} "pretrained=runs/${m.id},dtype=bfloat16"`)),
  ];
  return `#!/usr/bin/env bash
# Evaluates the base model and every trained method with EleutherAI's lm-evaluation-harness:
# learning on ${EVAL_TASKS[domain].label}, forgetting on HellaSwag, ARC-Challenge and WinoGrande.
# Results land in results/<method>/; plot.py reads them.
set -euo pipefail
cd "$(dirname "$0")"
MODEL="\${MODEL:-${o.model}}"
${domain === 'code' ? '# HumanEval executes the generated code: run it in a sandbox or a throwaway machine.\nexport HF_ALLOW_CODE_EVAL=1\nUNSAFE="--confirm_run_unsafe_code"' : 'UNSAFE=""'}
run_eval() {
  lm_eval --model hf --model_args "$2" --tasks ${tasks} \\
    --batch_size auto --output_path "results/$1" $UNSAFE
}
${models.join('\n')}
`;
}

const ACCELERATE_COMMON = `compute_environment: LOCAL_MACHINE
downcast_bf16: 'no'
mixed_precision: 'no'
rdzv_backend: static
same_network: true
use_cpu: false
`;

const FSDP = `distributed_type: FSDP
fsdp_config:
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
  fsdp_backward_prefetch: BACKWARD_PRE
  fsdp_cpu_ram_efficient_loading: true
  fsdp_offload_params: false
  fsdp_sharding_strategy: FULL_SHARD
  fsdp_state_dict_type: FULL_STATE_DICT
  fsdp_sync_module_states: true
  fsdp_use_orig_params: true
`;

export const ACCELERATE_CONFIGS: Record<string, string> = {
  'accelerate/one_gpu.yaml': `# One GPU: LoRA on a 7B model fits an 80 GB GPU; full fine-tuning of 7B does not (use multi_gpu.yaml).
${ACCELERATE_COMMON}distributed_type: 'NO'
gpu_ids: '0'
machine_rank: 0
main_training_function: main
num_machines: 1
num_processes: 1
`,
  'accelerate/multi_gpu.yaml': `# One node, 8 GPUs, FSDP (weights, gradients and AdamW state sharded): needed for full fine-tuning of 7B.
# Set num_processes to your GPU count; --global-batch-size must be a multiple of micro batch x GPUs.
${ACCELERATE_COMMON}${FSDP}gpu_ids: all
machine_rank: 0
main_training_function: main
num_machines: 1
num_processes: 8
`,
  'accelerate/multi_node.yaml': `# Two nodes x 8 GPUs, FSDP. Copy this folder to every node; on node i set machine_rank: i,
# and point main_process_ip at node 0. Launch run_all.sh on every node at the same time.
${ACCELERATE_COMMON}${FSDP}gpu_ids: all
machine_rank: 0
main_process_ip: 10.0.0.1
main_process_port: 29500
main_training_function: main
num_machines: 2
num_processes: 16
`,
};

export const REQUIREMENTS = `# Python 3.10+, CUDA GPUs. Install with: pip install -r requirements.txt
torch>=2.3
transformers>=4.45
peft>=0.13
accelerate>=1.0
datasets>=3.0
# ${LM_EVAL_MIN}: the first release with the humaneval task and --confirm_run_unsafe_code (a code recipe's eval.sh uses both).
# The [hf] extra exists from 0.4.10; earlier releases install the same libraries without it (pip may warn).
lm-eval[hf]>=${LM_EVAL_MIN}
matplotlib>=3.8
sentencepiece>=0.2
protobuf>=4.25
`;
