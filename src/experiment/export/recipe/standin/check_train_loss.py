#!/usr/bin/env python3
"""Checks that the recipe's train.py computes its losses the way transformers does: it runs
train.py's main() in this process with the stand-in libraries (standin.py: a stand-in causal LM
whose loss follows transformers' convention of shifting the labels inside the model) on known
documents, and compares what train.py logged with the plain next-token cross-entropy of the
windows it should have trained and evaluated on, computed here independently:

  loss = mean over scored targets of -log p(x[t+1] | x[..t]),  each window read left to right.

A trainer that passes pre-shifted labels (input_ids=x[:-1], labels=x[1:]) scores every position
against the token after next, and this check fails. Also checked: the labels train.py passes are
aligned with input_ids (-100 only where answer-only training hides the prompt), the windows and
their masks follow the documented packing, the held-out set is --eval-batches batches of
--global-batch-size windows, the gradient is that of the logged loss, and LoRA reaches PEFT's
LoraConfig.

usage: python3 check_train_loss.py path/to/train.py [work-dir]
"""

import importlib.util
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import standin  # noqa: E402

TOL = 1e-9
# Which fields are the prompt (hidden with --answer-only) and which the text to learn: the recipe's rule.
FIELDS = {
    "meta-math/MetaMathQA": (("query",), ("response",)),
    "ise-uiuc/Magicoder-Evol-Instruct-110K": (("instruction",), ("response",)),
}
CASES = [
    # Whole text, full fine-tuning, 2 micro-batches per step; the options today's and earlier train.py both take.
    {"name": "code, whole text, full fine-tuning", "dataset": "ise-uiuc/Magicoder-Evol-Instruct-110K", "answer_only": False,
     "args": ["--kind", "full", "--dropout", "0"]},
    # Answer-only, LoRA, as the playground's math preset trains.
    {"name": "math, answers only, LoRA r=3", "dataset": "meta-math/MetaMathQA", "answer_only": True,
     "args": ["--kind", "lora", "--rank", "3", "--alpha", "6", "--target-modules", "q_proj,v_proj", "--answer-only"]},
]
SETTINGS = {"steps": 3, "global_batch_size": 4, "micro_batch_size": 2, "seq_len": 24, "eval_every": 2, "eval_batches": 2}


def plain_ce(windows):
    """Mean next-token cross-entropy of (ids, labels) windows: ids[t+1] predicted at t, where labels[t+1] is scored."""
    total, n = 0.0, 0
    for ids, labels in windows:
        for t in range(len(ids) - 1):
            if labels[t + 1] != standin.IGNORE:
                total += standin.nll(standin.logits_at(ids[t], t), ids[t + 1])
                n += 1
    return total / n


def after_next_ce(windows):
    """The same windows scored against the token after next: what a double shift computes."""
    total, n = 0.0, 0
    for ids, labels in windows:
        for t in range(len(ids) - 2):
            if labels[t + 2] != standin.IGNORE:
                total += standin.nll(standin.logits_at(ids[t], t), ids[t + 2])
                n += 1
    return total / n if n else float("nan")


def expected_windows(dataset, answer_only, seq_len, docs, limit):
    """The documented packing: documents (prompt + "\\n" + text + EOS) joined, windows of seq_len tokens
    sharing one token with the next (so each token is a target once), windows with no scored target skipped."""
    prompt_fields, text_fields = FIELDS[dataset]
    ids, labels, out = [], [], []
    for i in docs:
        ex = standin.document(dataset, i)
        p = list("".join(str(ex[f]) + "\n" for f in prompt_fields).encode())
        b = list("\n".join(str(ex[f]) for f in text_fields).encode()) + [0]
        ids += p + b
        labels += ([standin.IGNORE] * len(p) if answer_only else p) + b
        while len(ids) >= seq_len:
            w, lab = ids[:seq_len], labels[:seq_len]
            ids, labels = ids[seq_len - 1:], labels[seq_len - 1:]
            if any(x != standin.IGNORE for x in lab[1:]):
                out.append((w, lab))
        if len(out) >= limit:
            return out[:limit]
    return out


def load_train(path):
    spec = importlib.util.spec_from_file_location("recipe_train", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run_case(train, case, work, fail):
    s = SETTINGS
    out_dir = os.path.join(work, "runs")
    argv = [
        "--method-id", "m", "--model", "standin/model", "--dataset", case["dataset"], "--output-dir", out_dir,
        "--lr", "0.01", "--schedule", "constant", "--warmup-steps", "0", "--weight-decay", "0", "--max-grad-norm", "1",
        "--steps", str(s["steps"]), "--seed", "1", "--global-batch-size", str(s["global_batch_size"]),
        "--micro-batch-size", str(s["micro_batch_size"]), "--seq-len", str(s["seq_len"]),
        "--eval-every", str(s["eval_every"]), "--eval-batches", str(s["eval_batches"]), *case["args"],
    ]
    train.main(argv)
    model, acc = standin.MODELS[-1], standin.ACCELERATORS[-1]
    with open(os.path.join(out_dir, "m", "metrics.jsonl")) as f:
        records = [json.loads(line) for line in f]
    name = case["name"]
    G, accum = s["global_batch_size"], s["global_batch_size"] // s["micro_batch_size"]
    train_calls = [c for c in model.calls if c["training"]]
    held_calls = [c for c in model.calls if not c["training"]]
    fed = lambda calls: [(i, lab) for c in calls for i, lab in zip(c["input_ids"], c["labels"])]

    # The loss train.py logged against the plain next-token cross-entropy of the known windows.
    held_docs = range(train.HELD_OUT_DOCS)
    want_train = expected_windows(case["dataset"], case["answer_only"], s["seq_len"], range(train.HELD_OUT_DOCS, standin.DOCS), s["steps"] * G)
    want_held = expected_windows(case["dataset"], case["answer_only"], s["seq_len"], held_docs, s["eval_batches"] * G)
    for r in records:
        step = r["step"]
        want = plain_ce(want_train[(step - 1) * G: step * G])
        if abs(r["loss"] - want) > TOL:
            windows = want_train[(step - 1) * G: step * G]
            fail(f"{name}: step {step} training loss {r['loss']:.6f}, but the plain next-token cross-entropy of the step's "
                 f"windows is {want:.6f} (scored against the token after next, as a double shift does: {after_next_ce(windows):.6f})")
        if "heldout_loss" in r:
            want = plain_ce(want_held)
            if abs(r["heldout_loss"] - want) > TOL:
                fail(f"{name}: step {step} held-out loss {r['heldout_loss']:.6f}, but the plain next-token cross-entropy "
                     f"of the held-out windows is {want:.6f}")
    evals = sum(1 for r in records if "heldout_loss" in r)

    # The convention itself: labels aligned with input_ids, -100 only on hidden prompt tokens.
    for c in model.calls:
        for ids, labels in zip(c["input_ids"], c["labels"]):
            bad = [t for t, (x, y) in enumerate(zip(ids, labels)) if y != standin.IGNORE and y != x]
            if bad or len(ids) != len(labels):
                t = bad[0] if bad else 0
                fail(f"{name}: labels are not the input tokens (position {t}: label {labels[t]}, input {ids[t]}); "
                     "transformers shifts labels inside the model, so pre-shifted labels score each position against "
                     "the token after next")
                break
        else:
            continue
        break

    # The data: the documented windows and masks, in order; the held-out set's size.
    if fed(train_calls) != want_train[: s["steps"] * G]:
        fail(f"{name}: the training windows are not the documented packing of the known documents")
    if len(fed(held_calls)) != len(want_held) * evals:
        fail(f"{name}: each evaluation should read {len(want_held)} held-out windows (--eval-batches {s['eval_batches']} "
             f"batches of --global-batch-size {G}); it read {len(fed(held_calls)) / max(1, evals):g}")
    elif fed(held_calls) != want_held * evals:
        fail(f"{name}: the held-out windows are not the documented packing of the first documents")
    if case["answer_only"] and not any(lab == standin.IGNORE for _, labels in fed(train_calls) for lab in labels):
        fail(f"{name}: --answer-only hid no prompt token")

    # The gradient is that of the logged loss: the backward passes of a step add up to it.
    if getattr(acc, "backward_losses", None) and len(acc.backward_losses) == s["steps"] * accum:
        for r in records:
            got = sum(acc.backward_losses[(r["step"] - 1) * accum: r["step"] * accum])
            if abs(got - r["loss"]) > TOL:
                fail(f"{name}: step {r['step']}: the micro-batches' backward losses add up to {got:.6f}, not the step's loss {r['loss']:.6f}")
    if "--rank" in case["args"]:
        cfg = model.peft_config or {}
        want = {"r": 3, "lora_alpha": 6.0, "target_modules": ["q_proj", "v_proj"], "use_rslora": False}
        if any(cfg.get(k) != v for k, v in want.items()):
            fail(f"{name}: LoraConfig got {cfg}, expected {want}")
    return len(records), evals


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    standin.install()
    train = load_train(argv[1])
    problems = []
    work = argv[2] if len(argv) > 2 else tempfile.mkdtemp(prefix="train-loss-")
    for i, case in enumerate(CASES):
        before = len(problems)
        try:
            steps, evals = run_case(train, case, os.path.join(work, str(i)), problems.append)
        except SystemExit as e:  # argparse rejected an option
            problems.append(f"{case['name']}: train.py exited with {e.code}")
            continue
        if len(problems) == before:
            print(f"ok: {case['name']}: {steps} steps and {evals} evaluations equal the plain next-token cross-entropy")
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
