"""Held-out metrics: accuracy, macro-F1, span F1."""
import numpy as np


def accuracy(truth, predicted) -> float:
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    return float((truth == predicted).mean()) if truth.size else 0.0


def macro_f1(truth, predicted, classes: int) -> float:
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    scores = []
    for c in range(classes):
        tp = int(((predicted == c) & (truth == c)).sum())
        fp = int(((predicted == c) & (truth != c)).sum())
        fn = int(((predicted != c) & (truth == c)).sum())
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def span_f1(truth_spans, predicted_spans) -> float:
    """Micro F1 over exact (start, end, slot) matches; arguments are lists (one per example)."""
    tp = fp = fn = 0
    for truth, predicted in zip(truth_spans, predicted_spans):
        t, p = set(map(tuple, truth)), set(map(tuple, predicted))
        tp += len(t & p)
        fp += len(p - t)
        fn += len(t - p)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
