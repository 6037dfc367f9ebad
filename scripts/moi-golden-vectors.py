#!/usr/bin/env python3
"""Golden vectors for MoiMixer's REFERENCE support and the direct mixture, computed independently of the Java
code from the formula of the authors' reference implementation (design/moi-algorithm.md):

    logprobs = log_softmax(raw logits over the whole vocabulary)
    top      = the k largest logprobs; p = softmax(top logprobs)  (renormalised over the k)
    H        = -sum p log p / log k
    MoI:     h = H * sum_{i in top} ((p_i + beta [i == y]) / (1 + beta)) e_i + (1 - H) e_y
    direct:  h = sum_{i in top} p_i e_i

The sampled token y may lie outside the top k: its indicator is then zero and it enters through (1 - H) e_y alone.
Writes moi-engine/src/test/resources/moi-golden-vectors.json (dense weights over the vocabulary and h).
Run: python3 scripts/moi-golden-vectors.py
"""
import json
import pathlib

import numpy as np

VOCAB, DIM = 32, 6
rng = np.random.default_rng(20261201)
embeddings = rng.normal(size=(VOCAB, DIM)).astype(np.float32)


def reference(logits, y, beta, k, direct):
    z = logits.astype(np.float64)
    logprobs = z - (z.max() + np.log(np.exp(z - z.max()).sum()))
    top = np.argsort(-logprobs, kind="stable")[:k]          # ties: lower id first
    lp = logprobs[top]
    p = np.exp(lp - lp.max())
    p /= p.sum()
    entropy = float(-(p * np.log(p)).sum() / np.log(k))
    e = embeddings.astype(np.float64)
    if direct:
        h = (p[:, None] * e[top]).sum(axis=0)
        dense = np.zeros(VOCAB)
        dense[top] = p
    else:
        indicator = (top == y).astype(np.float64)
        h = entropy * (((p + beta * indicator) / (1 + beta))[:, None] * e[top]).sum(axis=0) + (1 - entropy) * e[y]
        dense = np.zeros(VOCAB)
        dense[top] = entropy * (p + beta * indicator) / (1 + beta)
        dense[y] += 1 - entropy
    return entropy, dense, h


cases = []
for name, y_rank, beta, k, direct in [
    ("sampled top-1, beta 1, k 20", 0, 1.0, 20, False),
    ("sampled rank 5 inside top 20, beta 2", 4, 2.0, 20, False),
    ("sampled rank 26 outside top 20, beta 1", 25, 1.0, 20, False),
    ("sampled rank 30 outside top 8, beta 0.5", 29, 0.5, 8, False),
    ("sampled outside top 4, beta 0", 10, 0.0, 4, False),
    ("direct mixture, sampled inside top 20", 3, 1.0, 20, True),
    ("direct mixture, sampled outside top 20", 27, 1.0, 20, True),
]:
    logits = (rng.normal(size=VOCAB) * 2.0).astype(np.float32)
    order = np.argsort(-logits.astype(np.float64), kind="stable")
    y = int(order[y_rank])
    entropy, dense, h = reference(logits, y, beta, k, direct)
    cases.append({
        "name": name, "logits": [float(v) for v in logits], "sampled": y, "beta": beta, "k": k,
        "mode": "DIRECT" if direct else "MOI", "entropy": entropy,
        "weights": [float(v) for v in dense], "h": [float(v) for v in h],
    })

out = pathlib.Path(__file__).resolve().parent.parent / "moi-engine/src/test/resources/moi-golden-vectors.json"
out.write_text(json.dumps({"embeddings": [[float(v) for v in row] for row in embeddings], "cases": cases},
                          indent=1) + "\n")
print("wrote", out, len(cases), "cases")
