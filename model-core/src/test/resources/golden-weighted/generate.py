#!/usr/bin/env python3
"""Generates the weighted loss cases of golden-weighted/loss/ (format golden-v1 plus the field `weights`, see
README.md here) with PyTorch in float64.

For each case the per-example losses l_b come from torch with reduction='none' (reduced over the K outputs as the
golden README section 4 does: mean for mse, binary cross-entropy and hinge, sum over the classes for categorical
cross-entropy), the batch loss is (w * l).sum() / w.sum() and the gradient with respect to y_pred is torch autograd's.
Each value is cross-checked against the README formula written out in plain Python.

Run from this directory with torch installed (CPU wheel, offline: pip install --no-index --find-links DIR torch
numpy):  python3 generate.py   It rewrites loss/*.json.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

EPS = 1e-7
TOLERANCE = {"abs": 1e-10, "rel": 1e-08}


def per_example(loss, p, y):
    """l_b, shape [B], computed by torch."""
    if loss == "mse":
        return F.mse_loss(p, y, reduction="none").mean(dim=1)
    if loss == "binary_crossentropy":
        return F.binary_cross_entropy(torch.clamp(p, EPS, 1 - EPS), y, reduction="none").mean(dim=1)
    if loss == "categorical_crossentropy":
        return F.nll_loss(torch.log(torch.clamp(p, EPS, 1 - EPS)), y.argmax(dim=1), reduction="none")
    if loss == "hinge":
        return torch.clamp(1 - y * p, min=0).mean(dim=1)
    raise ValueError(loss)


def plain(loss, p, y, w):
    """The README formula in plain Python: sum_b w_b l_b / sum_b w_b and its gradient."""
    total = sum(w)
    k = len(p[0])
    value = 0.0
    grad = []
    for b in range(len(p)):
        ell = 0.0
        row = []
        for j in range(k):
            q, t = p[b][j], y[b][j]
            c = min(max(q, EPS), 1 - EPS)
            inside = EPS <= q <= 1 - EPS
            if loss == "mse":
                ell += (q - t) ** 2 / k
                row.append(w[b] * 2 * (q - t) / (k * total))
            elif loss == "binary_crossentropy":
                ell -= (t * math.log(c) + (1 - t) * math.log(1 - c)) / k
                row.append(w[b] * (-t / q + (1 - t) / (1 - q)) / (k * total) if inside else 0.0)
            elif loss == "categorical_crossentropy":
                ell -= t * math.log(c)
                row.append(-w[b] * t / (q * total) if inside else 0.0)
            else:
                ell += max(0.0, 1 - t * q) / k
                row.append(-w[b] * t / (k * total) if 1 - t * q > 0 else 0.0)
        value += w[b] * ell
        grad.append(row)
    return value / total, grad


def close(x, e):
    return abs(x - e) <= 1e-13 + 1e-11 * abs(e)


def case(name, loss, description, y_true, y_pred, weights):
    p = torch.tensor(y_pred, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(y_true, dtype=torch.float64)
    w = torch.tensor(weights, dtype=torch.float64)
    value = (w * per_example(loss, p, y)).sum() / w.sum()
    value.backward()
    loss_value = value.item()
    grad = p.grad.tolist()
    check_value, check_grad = plain(loss, y_pred, y_true, weights)
    assert close(loss_value, check_value), (name, loss_value, check_value)
    for r, cr in zip(grad, check_grad):
        for g, c in zip(r, cr):
            assert close(g, c), (name, g, c)
    clipped = loss in ("binary_crossentropy", "categorical_crossentropy") and any(
        v < EPS or v > 1 - EPS for row in y_pred for v in row
    )
    out = {
        "format": "golden-v1",
        "kind": "loss",
        "name": name,
        "description": description,
        "reference": "torch " + torch.__version__ + " float64, (w * l(reduction='none')).sum() / w.sum() with l "
        + REFERENCE[loss] + ", gradient by autograd; cross-checked with the README formula in plain Python",
        "tolerance": TOLERANCE,
        "loss": loss,
    }
    if loss in ("binary_crossentropy", "categorical_crossentropy"):
        out["epsilon"] = EPS
    out["clipping_active"] = clipped
    out["y_true"] = [[float(v) for v in row] for row in y_true]
    out["y_pred"] = [[float(v) for v in row] for row in y_pred]
    out["weights"] = [float(v) for v in weights]
    out["loss_value"] = loss_value
    out["grad"] = grad
    write(out)


REFERENCE = {
    "mse": "= F.mse_loss(...).mean(dim=1)",
    "binary_crossentropy": "= F.binary_cross_entropy(torch.clamp(p, 1e-7, 1-1e-7), ...).mean(dim=1)",
    "categorical_crossentropy": "= F.nll_loss(torch.log(torch.clamp(p, 1e-7, 1-1e-7)), class)",
    "hinge": "= torch.clamp(1 - y*p, min=0).mean(dim=1)",
}


def write(case_):
    """JSON as the golden files are laid out: two-space indent, one matrix row per line."""
    lines = ["{"]
    items = list(case_.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list) and value and isinstance(value[0], list):
            rows = ",\n".join("    " + json.dumps(row) for row in value)
            lines.append('  "%s": [\n%s\n  ]%s' % (key, rows, comma))
        elif isinstance(value, dict):
            inner = ",\n".join('    "%s": %s' % (k, json.dumps(v)) for k, v in value.items())
            lines.append('  "%s": {\n%s\n  }%s' % (key, inner, comma))
        else:
            lines.append('  "%s": %s%s' % (key, json.dumps(value, ensure_ascii=False), comma))
    lines.append("}")
    os.makedirs("loss", exist_ok=True)
    with open(os.path.join("loss", case_["name"] + ".json"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    case(
        "mse_weighted",
        "mse",
        "Mean squared error on a 4x3 batch with weights 0.5, 2, 0 and 1.25 (a zero-weight example among them).",
        [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75], [-3.0, 4.0, 0.0], [0.1, 0.2, 0.3]],
        [[0.3, -1.2, 2.5], [1.0, 0.0, -0.5], [10.0, -10.0, 5.0], [0.4, -0.1, 0.35]],
        [0.5, 2.0, 0.0, 1.25],
    )
    case(
        "mse_weighted_one_nonzero",
        "mse",
        "Mean squared error on a 3x2 batch where only the second example weighs (0.3): the loss is that example's.",
        [[1.0, 2.0], [0.5, -0.5], [3.0, 3.0]],
        [[0.0, 0.0], [0.75, 0.25], [-3.0, 7.0]],
        [0.0, 0.3, 0.0],
    )
    case(
        "binary_crossentropy_weighted",
        "binary_crossentropy",
        "Binary cross-entropy on a 4x2 batch with near-0 and near-1 probabilities and weights 3, 0, 0.25 and 1.",
        [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]],
        [[0.9999, 0.0001], [0.5, 0.03], [0.0001, 0.97], [0.2, 0.9999]],
        [3.0, 0.0, 0.25, 1.0],
    )
    case(
        "binary_crossentropy_weighted_clipped",
        "binary_crossentropy",
        "CLIP CASE: binary cross-entropy on a 3x1 batch with probabilities 0 and 1 outside the clip interval,"
        " weights 2, 0.5 and 1.5.",
        [[1.0], [1.0], [0.0]],
        [[0.0], [0.6], [1.0]],
        [2.0, 0.5, 1.5],
    )
    case(
        "categorical_crossentropy_weighted",
        "categorical_crossentropy",
        "Categorical cross-entropy on a 4x3 batch of softmax rows and one-hot targets, weights 1, 2, 0 and 0.5.",
        [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]],
        [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [1e-4, 0.4999, 0.5], [0.999999, 5e-7, 5e-7]],
        [1.0, 2.0, 0.0, 0.5],
    )
    case(
        "hinge_weighted",
        "hinge",
        "Hinge loss with targets in {-1,+1} on a 5x2 batch, margins on both sides of the kink, weights 0.2, 4, 1,"
        " 0 and 2.5.",
        [[1.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]],
        [[0.3, -1.5], [2.0, 0.4], [1.7, -0.2], [0.9, 0.1], [-0.6, 0.8]],
        [0.2, 4.0, 1.0, 0.0, 2.5],
    )
    case(
        "hinge_weighted_uniform",
        "hinge",
        "Hinge loss on a 3x1 batch with every weight 2.5: the same loss and gradient as no weights.",
        [[1.0], [-1.0], [1.0]],
        [[0.5], [0.25], [1.5]],
        [2.5, 2.5, 2.5],
    )


if __name__ == "__main__":
    main()
