#!/usr/bin/env python3
"""Stand-ins for the libraries the recipe's scripts import (torch, accelerate, transformers,
datasets, peft, matplotlib): just enough of each for train.py and plot.py to run to the end on a
machine that has none of them (no GPU, no downloads), in pure Python.

The stand-in model computes its loss by transformers' causal-LM convention
(transformers/loss/loss_utils.py, ForCausalLMLoss): the caller passes `labels` aligned with
`input_ids` and the model shifts them inside (labels padded with -100 on the right, then
labels[..., 1:]), so the logits at position t are scored against labels[t + 1]; labels equal to
-100 are skipped and the loss is the mean over the scored targets (reduction "mean", as when
num_items_in_batch is not given). Its logits depend only on the token and position, so they are
causal, and any trainer's loss can be recomputed from the sequences it fed in.

`python3 standin.py SCRIPT ARGS...` runs SCRIPT as __main__ with the stand-ins installed.
"""

import contextlib
import copy
import json
import math
import os
import runpy
import sys
import types

VOCAB = 256  # the stand-in tokenizer's ids are UTF-8 bytes; 0 is its EOS
IGNORE = -100
MODELS = []  # every stand-in model created, in order, for the checks to read
ACCELERATORS = []  # likewise every Accelerator


def logits_at(token, position):
    """The stand-in model's logits for the next token after `token` at `position` (causal, deterministic)."""
    return [((token * 31 + v * 17 + position * 7) % 23) / 4.0 for v in range(VOCAB)]


def nll(logits, target):
    """-log softmax(logits)[target]."""
    m = max(logits)
    return m + math.log(sum(math.exp(x - m) for x in logits)) - logits[target]


def causal_lm_loss(logits, labels):
    """transformers' ForCausalLMLoss on lists: shift labels left inside, skip -100, mean over the rest."""
    total, n = 0.0, 0
    for row_logits, row_labels in zip(logits, labels):
        shifted = list(row_labels[1:]) + [IGNORE]
        for lg, y in zip(row_logits, shifted):
            if y != IGNORE:
                total += nll(lg, y)
                n += 1
    return total / n if n else float("nan")  # transformers' mean over no targets is nan too


# -- torch ---------------------------------------------------------------------------------


def _flat(d):
    return [x for row in d for x in _flat(row)] if isinstance(d, list) else [d]


class Tensor:
    """Nested lists with the few tensor methods the scripts call."""

    def __init__(self, data):
        self.data = data

    def tolist(self):
        return copy.deepcopy(self.data)

    def item(self):
        flat = _flat(self.data)
        assert len(flat) == 1, f"item() of a tensor with {len(flat)} elements"
        return float(flat[0])

    __float__ = item

    def __getitem__(self, idx):
        if isinstance(idx, tuple):  # 2-D indexing such as ids[:, :-1]
            rows = self.data[idx[0]]
            return Tensor([r[idx[1]] for r in rows] if isinstance(idx[0], slice) else rows[idx[1]])
        return Tensor(self.data[idx])

    def contiguous(self):
        return self

    def to(self, *args, **kwargs):
        return self

    def detach(self):
        return self

    def float(self):
        return self

    def reshape(self, *shape):
        return Tensor(_flat(self.data))

    def mean(self):
        flat = _flat(self.data)
        return Tensor(sum(flat) / len(flat))

    def __mul__(self, other):
        return Tensor(self.item() * float(other))

    __rmul__ = __mul__

    def __truediv__(self, other):
        return Tensor(self.item() / float(other))


class AdamW:
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        self.params = list(params)
        self.param_groups = [{"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}]
        self.steps = 0

    def step(self):
        self.steps += 1

    def zero_grad(self, set_to_none=True):
        pass


class Linear:
    pass


def _torch():
    t = types.ModuleType("torch")
    t.Tensor = Tensor
    t.tensor = lambda data, device=None, dtype=None: Tensor(copy.deepcopy(data))
    t.no_grad = contextlib.nullcontext
    t.float32, t.float64, t.bfloat16 = "float32", "float64", "bfloat16"
    t.optim = types.SimpleNamespace(AdamW=AdamW)
    t.nn = types.SimpleNamespace(Linear=Linear, functional=types.SimpleNamespace(dropout=lambda x, p, training: x))
    return t


# -- accelerate ----------------------------------------------------------------------------


class Accelerator:
    """One process on the CPU: collectives return their input."""

    def __init__(self, mixed_precision="no", **kwargs):
        self.mixed_precision = mixed_precision
        self.num_processes, self.process_index, self.is_main_process = 1, 0, True
        self.device = "cpu"
        self.backward_losses = []
        ACCELERATORS.append(self)

    def prepare(self, *objs):
        return objs if len(objs) > 1 else objs[0]

    def backward(self, loss):
        self.backward_losses.append(loss.item())

    def no_sync(self, model):
        return contextlib.nullcontext()

    def clip_grad_norm_(self, params, max_norm):
        return Tensor(1.0)

    def gather(self, t):
        return t

    def reduce(self, t, reduction="sum"):
        return t

    def print(self, *args):
        print(*args)

    def wait_for_everyone(self):
        pass

    def unwrap_model(self, model):
        return model

    def get_state_dict(self, model):
        return {}


# -- transformers, peft ----------------------------------------------------------------------


class StandinLM:
    def __init__(self, name):
        self.name = name
        self.calls = []
        self.training = True
        self.peft_config = None
        self.config = types.SimpleNamespace(use_cache=True, vocab_size=VOCAB)
        MODELS.append(self)

    def __call__(self, input_ids=None, labels=None, use_cache=None, **kwargs):
        ids = input_ids.tolist()
        logits = [[logits_at(tok, t) for t, tok in enumerate(row)] for row in ids]
        lab = labels.tolist() if labels is not None else None
        loss = causal_lm_loss(logits, lab) if lab is not None else None
        self.calls.append({"input_ids": ids, "labels": lab, "training": self.training, "loss": loss})
        return types.SimpleNamespace(loss=None if loss is None else Tensor(loss), logits=Tensor(logits))

    def train(self, mode=True):
        self.training = mode
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        return [types.SimpleNamespace(requires_grad=True)]

    def named_modules(self):
        return []

    def gradient_checkpointing_enable(self, **kwargs):
        pass

    def enable_input_require_grads(self):
        pass

    def print_trainable_parameters(self):
        print("stand-in: trainable parameters not counted")

    def save_pretrained(self, out_dir, state_dict=None, is_main_process=True, safe_serialization=True):
        if is_main_process:
            os.makedirs(out_dir, exist_ok=True)
            with open(os.path.join(out_dir, "standin-model.json"), "w") as f:
                json.dump({"base": self.name, "peft": self.peft_config}, f)


class ByteTokenizer:
    eos_token_id = 0

    def __call__(self, text, add_special_tokens=True):
        return {"input_ids": list(text.encode("utf-8"))}

    def save_pretrained(self, out_dir):
        with open(os.path.join(out_dir, "standin-tokenizer.json"), "w") as f:
            json.dump({"kind": "bytes"}, f)


def _transformers():
    t = types.ModuleType("transformers")
    t.AutoTokenizer = types.SimpleNamespace(from_pretrained=lambda name, **kw: ByteTokenizer())
    t.AutoModelForCausalLM = types.SimpleNamespace(from_pretrained=lambda name, **kw: StandinLM(name))
    return t


def _peft():
    p = types.ModuleType("peft")

    def get_peft_model(model, cfg):
        model.peft_config = dict(vars(cfg))
        return model

    p.LoraConfig = lambda **kw: types.SimpleNamespace(**kw)
    p.get_peft_model = get_peft_model
    return p


# -- datasets ---------------------------------------------------------------------------------

DOCS = 10_400  # documents per stand-in dataset (train.py holds out the first 10,000)


def document(dataset, i):
    """Document i of a stand-in dataset, with the fields train.py reads."""
    a, b = i % 10, i % 7
    if dataset == "meta-math/MetaMathQA":
        return {"query": f"What is {a} plus {b}?", "response": f"{a} + {b} = {a + b}. The answer is: {a + b}"}
    if dataset == "ise-uiuc/Magicoder-Evol-Instruct-110K":
        return {"instruction": f"Write f{i}.", "response": f"def f{i}(x):\n    return x * {a}"}
    if dataset == "bigcode/starcoderdata":
        return {"content": f"print({a} * {b})  # {i}"}
    return {"text": f"Lemma {i}: {a} + {b} = {b} + {a}."}


class StreamingDataset:
    def __init__(self, name, indices):
        self.name, self.indices = name, indices

    def take(self, n):
        return StreamingDataset(self.name, self.indices[:n])

    def skip(self, n):
        return StreamingDataset(self.name, self.indices[n:])

    def shuffle(self, seed=None, buffer_size=None):
        return self  # the order stays known to the checks

    def __iter__(self):
        return (document(self.name, i) for i in self.indices)


def _datasets():
    d = types.ModuleType("datasets")
    d.load_dataset = lambda name, data_dir=None, split=None, streaming=False: StreamingDataset(name, range(DOCS))
    return d


# -- matplotlib --------------------------------------------------------------------------------


class Axes:
    def __init__(self, fig):
        self.fig = fig

    def scatter(self, x, y, **kw):
        self.fig.record.setdefault("points", []).append({"x": x[0], "y": y[0], "label": kw.get("label")})

    def set_xlabel(self, text, **kw):
        self.fig.record["xlabel"] = text

    def set_ylabel(self, text, **kw):
        self.fig.record["ylabel"] = text

    def set_title(self, text, **kw):
        self.fig.record["title"] = text

    def grid(self, *a, **kw):
        pass

    def legend(self, *a, **kw):
        pass


class Figure:
    def __init__(self, figsize):
        self.record = {"figsize": list(figsize)}

    def tight_layout(self):
        self.record["tight_layout"] = True

    def savefig(self, path, dpi=None):
        with open(path, "w") as f:
            json.dump(self.record, f)


def _matplotlib():
    m = types.ModuleType("matplotlib")
    m.use = lambda backend: None
    plt = types.ModuleType("matplotlib.pyplot")

    def subplots(figsize=(6.4, 4.8)):
        fig = Figure(figsize)
        return fig, Axes(fig)

    plt.subplots = subplots
    m.pyplot = plt
    return m, plt


def install():
    """Puts the stand-ins in sys.modules, so `import torch` and the rest find them."""
    accelerate = types.ModuleType("accelerate")
    accelerate.Accelerator = Accelerator
    utils = types.ModuleType("accelerate.utils")
    utils.set_seed = lambda seed: None
    accelerate.utils = utils
    mpl, plt = _matplotlib()
    sys.modules.update({
        "torch": _torch(), "accelerate": accelerate, "accelerate.utils": utils, "transformers": _transformers(),
        "peft": _peft(), "datasets": _datasets(), "matplotlib": mpl, "matplotlib.pyplot": plt,
    })


if __name__ == "__main__":
    install()
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name="__main__")
