#!/usr/bin/env python3
"""Generates the float32 training cases of golden-float32/training/ (format golden-v1, README §5 of ../golden) with
PyTorch in float32.

Each case replays one float64 training case of ../golden/training (same network, loss, penalties, clipping,
optimizer and mini-batches) in float32: the initial parameters and the batches are rounded to float32 (the file
holds those rounded values, so the Java run starts from the same floats), the model, the loss, the penalties and the
optimizer state are float32 tensors, the optimizer is torch.optim with foreach=False and the clipping torch's
clip_grad_norm_ / clip_grad_value_. Expected values are the float32 results written as the doubles they equal.
As a check of the replay, every loss_before is compared with the float64 file's (they must agree to 1e-4 relative:
float32 rounding only).

Run from this directory with torch installed (CPU wheel, offline: pip install --no-index --find-links DIR torch
numpy):  python3 generate.py   It rewrites training/*.json.
"""
import glob
import json
import math
import os

import torch
import torch.nn.functional as F

EPS = 1e-7
TOLERANCE = {"abs": 1e-06, "rel": 1e-05}
DTYPE = torch.float32


def activation(name, params, z):
    if name == "linear":
        return z
    if name == "sigmoid":
        return torch.sigmoid(z)
    if name == "tanh":
        return torch.tanh(z)
    if name == "relu":
        return torch.relu(z)
    if name == "leaky_relu":
        return F.leaky_relu(z, params["alpha"])
    if name == "elu":
        return F.elu(z, params["alpha"])
    if name == "selu":
        return F.selu(z)
    if name == "gelu":
        return F.gelu(z)
    if name == "gelu_tanh":
        return F.gelu(z, approximate="tanh")
    if name == "softplus":
        return F.softplus(z)
    if name == "softmax":
        return torch.softmax(z, dim=1)
    raise ValueError(name)


def data_loss(name, p, y):
    """The golden README §4 batch losses."""
    if name == "mse":
        return ((p - y) ** 2).mean()
    if name == "binary_crossentropy":
        q = torch.clamp(p, EPS, 1 - EPS)
        return -(y * torch.log(q) + (1 - y) * torch.log(1 - q)).mean()
    if name == "categorical_crossentropy":
        return -(y * torch.log(torch.clamp(p, EPS, 1 - EPS))).sum(dim=1).mean()
    if name == "hinge":
        return torch.clamp(1 - y * p, min=0).mean()
    raise ValueError(name)


def optimizer(spec, params):
    name, lr = spec["name"], spec["learning_rate"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=spec["momentum"], dampening=spec["dampening"],
                               nesterov=spec["nesterov"], foreach=False)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, lr_decay=spec["lr_decay"],
                                   initial_accumulator_value=spec["initial_accumulator_value"], eps=spec["eps"],
                                   foreach=False)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=spec["rho"], eps=spec["eps"], momentum=spec["momentum"],
                                   centered=spec["centered"], foreach=False)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                                amsgrad=spec["amsgrad"], foreach=False)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                                 weight_decay=spec["weight_decay"], amsgrad=spec["amsgrad"], foreach=False)
    if name == "adamax":
        return torch.optim.Adamax(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                                  foreach=False)
    if name == "nadam":
        return torch.optim.NAdam(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=spec["eps"],
                                 momentum_decay=spec["momentum_decay"], foreach=False)
    raise ValueError(name)


def tensor(values):
    return torch.tensor(values, dtype=DTYPE)


def listed(t):
    return [float(v) for v in t.tolist()] if t.dim() == 1 else [[float(v) for v in row] for row in t.tolist()]


def replay(source):
    case_ = json.load(open(source))
    layers = case_["network"]["layers"]
    weights = []
    for p in case_["initial_params"]:
        weights.append((tensor(p["kernel"]).requires_grad_(), tensor(p["bias"]).requires_grad_()))
    flat = [t for pair in weights for t in pair]
    opt = optimizer(case_["optimizer"], flat)
    initial = [{"kernel": listed(w.detach()), "bias": listed(b.detach())} for w, b in weights]
    steps = []
    for step in case_["steps"]:
        x, y = tensor(step["x"]), tensor(step["y"])
        opt.zero_grad()
        h = x
        for (w, b), layer in zip(weights, layers):
            h = activation(layer["activation"], layer["params"], h @ w + b)
        loss = data_loss(case_["loss"], h, y)
        for w, _ in weights:
            if case_["l1"]:
                loss = loss + case_["l1"] * w.abs().sum()
            if case_["l2"]:
                loss = loss + case_["l2"] * (w * w).sum()
        loss.backward()
        assert math.isclose(loss.item(), step["loss_before"], rel_tol=1e-4), (source, loss.item(), step["loss_before"])
        grads = [{"kernel": listed(w.grad), "bias": listed(b.grad)} for w, b in weights]
        clip = case_["gradient_clipping"]
        if clip and "global_norm" in clip:
            torch.nn.utils.clip_grad_norm_(flat, clip["global_norm"], foreach=False)
        elif clip and "value" in clip:
            torch.nn.utils.clip_grad_value_(flat, clip["value"], foreach=False)
        opt.step()
        after = [{"kernel": listed(w.detach()), "bias": listed(b.detach())} for w, b in weights]
        steps.append({"x": listed(x), "y": listed(y), "loss_before": float(loss.item()), "grads": grads,
                      "params_after": after})
    out = dict(case_)
    out["description"] = case_["description"].rstrip(".") + ", replayed in float32."
    out["reference"] = case_["reference"].replace("float64", "float32") + "; replay of ../golden/training/" \
        + os.path.basename(source) + " with parameters and batches rounded to float32"
    out["tolerance"] = TOLERANCE
    out["initial_params"] = initial
    out["steps"] = steps
    return out


def write(case_):
    """JSON with two-space indent (the golden files' numbers: Python repr of each double)."""
    os.makedirs("training", exist_ok=True)
    with open(os.path.join("training", case_["name"] + ".json"), "w", encoding="utf-8") as f:
        json.dump(case_, f, indent=2)
        f.write("\n")


def main():
    sources = sorted(glob.glob(os.path.join("..", "golden", "training", "*.json")))
    assert len(sources) == 16, sources
    for source in sources:
        write(replay(source))


if __name__ == "__main__":
    torch.set_default_dtype(DTYPE)
    main()
