#!/usr/bin/env python3
"""A stand-in for lm-evaluation-harness's `lm_eval` command, for running the recipe's eval.sh on
a machine without it: it takes the options eval.sh passes, refuses what lm-eval 0.4.8 would
refuse (an unknown task, a task marked unsafe_code without --confirm_run_unsafe_code, HumanEval
without HF_ALLOW_CODE_EVAL=1, an adapter or checkpoint folder that does not exist), and writes a
results file where lm-eval writes it, under the "metric,filter" keys of lm-eval 0.4.8's task
yaml files, with made-up scores. It proves the plumbing, not the numbers.
"""

import argparse
import hashlib
import json
import os
import sys

# task -> (metric keys of its results, unsafe_code), from lm_eval/tasks/*/ at v0.4.8.
TASKS = {
    "humaneval": (["pass_at_k,create_test"], True),
    "gsm8k": (["exact_match,strict-match", "exact_match,flexible-extract"], False),
    "hellaswag": (["acc,none", "acc_norm,none"], False),
    "arc_challenge": (["acc,none", "acc_norm,none"], False),
    "winogrande": (["acc,none"], False),
}


def score(*parts):
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def main(argv=None):
    p = argparse.ArgumentParser(prog="lm_eval")
    p.add_argument("--model", required=True)
    p.add_argument("--model_args", required=True)
    p.add_argument("--tasks", required=True)
    p.add_argument("--batch_size", default="1")
    p.add_argument("--output_path", required=True)
    p.add_argument("--confirm_run_unsafe_code", action="store_true")
    a = p.parse_args(argv)
    if a.model != "hf":
        p.error(f"the stand-in knows only --model hf, not {a.model}")
    model_args = dict(kv.split("=", 1) for kv in a.model_args.split(","))
    for key in ("peft",):
        if key in model_args and not os.path.isdir(model_args[key]):
            p.error(f"{key}={model_args[key]}: no such folder (was it trained?)")
    pretrained = model_args.get("pretrained", "")
    if pretrained.startswith("runs/") and not os.path.isdir(pretrained):
        p.error(f"pretrained={pretrained}: no such folder (was it trained?)")
    tasks = a.tasks.split(",")
    results = {}
    for t in tasks:
        if t not in TASKS:
            p.error(f"task {t} not found")
        keys, unsafe = TASKS[t]
        if unsafe and not a.confirm_run_unsafe_code:
            p.error(f"task {t} runs generated code: pass --confirm_run_unsafe_code")
        if t == "humaneval" and os.environ.get("HF_ALLOW_CODE_EVAL") != "1":
            p.error("HumanEval's code_eval metric needs HF_ALLOW_CODE_EVAL=1")
        results[t] = {k: score(a.model_args, t, k) for k in keys}
    out = os.path.join(a.output_path, pretrained.replace("/", "__"))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "results_2024-05-15T00-00-00.json"), "w") as f:
        json.dump({"results": results, "config": {"model_args": a.model_args}}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
