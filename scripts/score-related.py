#!/usr/bin/env python3
"""Score `tidings related` output with "same story = relevant", using the
definitions of the clustering dataset's related_eval.py (P@5, MRR over the
list, nDCG@10), so the figures compare with its TF-IDF cosine baseline.
Usage: score-related.py GOLD.jsonl PRED.tsv   (PRED: id<TAB>id1,id2,...)"""
import json, math, sys
from collections import Counter

gold = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    gold[str(d["id"])] = str(d["label"])
sizes = Counter(gold.values())
pred = {}
for line in open(sys.argv[2]):
    i, _, rest = line.rstrip("\n").partition("\t")
    pred[i] = [x for x in rest.split(",") if x]
K = 10
p5 = []; mrr = []; ndcg = []
for q, label in gold.items():
    nrel = sizes[label] - 1
    if nrel == 0:
        continue
    ranked = pred.get(q, [])[:K]
    hits = [1 if gold.get(r) == label else 0 for r in ranked]
    hits += [0] * (K - len(hits))
    p5.append(sum(hits[:5]) / 5)
    first = next((n for n, h in enumerate(hits) if h), None)
    mrr.append(0 if first is None else 1 / (first + 1))
    dcg = sum(h / math.log2(n + 2) for n, h in enumerate(hits))
    idcg = sum(1 / math.log2(n + 2) for n in range(min(nrel, K)))
    ndcg.append(dcg / idcg)
m = lambda xs: sum(xs) / len(xs)
print(f"queries={len(p5)} P@5={m(p5):.4f} MRR@10={m(mrr):.4f} nDCG@10={m(ndcg):.4f}")
