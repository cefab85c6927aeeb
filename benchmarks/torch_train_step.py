#!/usr/bin/env python3
"""PyTorch CPU reference for TrainStepBenchmark: one Adam training step (forward, backward, update)
of the same three nets, float32, 2 threads. Prints one JSON object {"net/batch": examples_per_s}
(median over repeats) on the last line of stdout."""
import argparse
import json
import statistics
import time

import torch

NETS = {
    # name: (layer sizes, loss on the logits of the last layer)
    "small": ([8, 32, 16, 1], "bce"),  # relu, relu, sigmoid + binary cross-entropy
    "medium": ([64, 128, 10], "ce"),  # relu, softmax + categorical cross-entropy
    "large": ([784, 256, 128, 10], "ce"),
}


def build(sizes):
    layers = []
    for i in range(1, len(sizes)):
        layers.append(torch.nn.Linear(sizes[i - 1], sizes[i]))
        if i < len(sizes) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def examples_per_second(net, batch, repeats, seconds):
    sizes, kind = NETS[net]
    torch.manual_seed(7)
    model = build(sizes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(batch, sizes[0])
    if kind == "bce":
        loss_fn = torch.nn.BCEWithLogitsLoss()  # sigmoid fused with BCE, as in Eddy
        y = torch.randint(0, 2, (batch, 1)).float()
    else:
        loss_fn = torch.nn.CrossEntropyLoss()  # softmax fused with CE, as in Eddy
        y = torch.randint(0, sizes[-1], (batch,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    # warm up, then size a repeat to about `seconds`
    start = time.perf_counter()
    steps = 0
    while time.perf_counter() - start < max(0.3, seconds) or steps < 20:
        step()
        steps += 1
    per_repeat = max(5, int(steps / (time.perf_counter() - start) * seconds))
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(per_repeat):
            step()
        rates.append(per_repeat * batch / (time.perf_counter() - t0))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nets", default="small,medium,large")
    parser.add_argument("--batches", default="1,32,256")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one repeat")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    results = {}
    for net in args.nets.split(","):
        for batch in (int(b) for b in args.batches.split(",")):
            rate = examples_per_second(net, batch, args.repeats, args.seconds)
            results[f"{net}/{batch}"] = rate
            print(f"torch {net:6s} batch {batch:3d}: {rate:12.0f} examples/s", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
