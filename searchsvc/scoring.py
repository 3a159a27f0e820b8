"""Ranking formulas: BM25F as small pure functions over NumPy arrays.

Whoosh's ``BM25F`` scores each field separately and sums the per-field BM25
scores, so a term that fills the title *and* the body saturates twice. Real
BM25F (Robertson, Zaragoza & Taylor, "Simple BM25 extension to multiple weighted
fields", CIKM 2004; Zaragoza et al., "Microsoft Cambridge at TREC-13", 2004)
first combines the length-normalised term frequencies of all fields into one
pseudo-frequency, then saturates once:

    tf~(t, d) = sum_f  w_f * tf_f(t, d) / (1 - b_f + b_f * len_f(d) / avglen_f)
    score(d)  = sum_t  qw_t * idf(t) * tf~ * (k1 + 1) / (k1 + tf~)

with ``idf`` in the non-negative Robertson/Spärck Jones form Lucene uses
(``ln(1 + (N - df + 0.5) / (df + 0.5))``) and ``df`` counted over the union of
fields. ``qw_t`` is the query-term weight (how often the term appears in the
query, times any ``^boost``).

Lucene's idf equals ``ln((N + 1) / (df + 0.5))``, so it is also, within rounding,
ATIRE's ``ln(N / df)`` (Trotman, Puurula & Burgess, ADCS 2014); the BM25 variants
compared by Kamphuis et al. ("Which BM25 do you mean?", ECIR 2020) differ little,
and on the development collections the raw RSJ weight (floored at 0) and BM25+ /
BM25L (Lv & Zhai, CIKM 2011) did not do better (see scripts/eval_relevance.py).
Defaults: ``k1 = 1.2`` (Robertson's), ``b`` 0.5 for titles and 0.6 for bodies.

The optional bonuses live here too: Büttcher et al.'s term-proximity accumulators
and score, and an exponential recency factor. So do the weights of the words one
prefix, wildcard or fuzzy term stands for (:func:`blended_df`, :func:`edit_similarity`).
"""

from __future__ import annotations

import math

import numpy as np


def idf(df: int, n_docs: int) -> float:
    """Robertson/Spärck Jones idf, floored at 0 by the ``1 +`` (Lucene's BM25 variant)."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


def length_norm(lengths: np.ndarray, avg_length: float, b: float) -> np.ndarray:
    """BM25 length normalisation ``1 - b + b * len / avglen`` per document."""
    return (1.0 - b) + b * (lengths / max(avg_length, 1e-9))


def saturate(tf: np.ndarray, k1: float) -> np.ndarray:
    """BM25 term-frequency saturation ``tf * (k1 + 1) / (k1 + tf)``."""
    return tf * (k1 + 1.0) / (k1 + tf)


def field_tf(tf: np.ndarray, weight: float, norm: np.ndarray) -> np.ndarray:
    """One field's contribution to BM25F's combined frequency: ``w_f * tf_f / norm_f``."""
    return weight * tf / norm


def neighbour_accumulators(rows: np.ndarray, positions: np.ndarray, terms: np.ndarray, weights: np.ndarray,
                           n_rows: int) -> np.ndarray:
    """Büttcher, Clarke & Lushman's proximity accumulators (SIGIR 2006), per document and query term.

    Each occurrence is a document row, a position and a query-term index. In each document, for
    each two neighbouring occurrences of different terms ``a`` at ``p`` and ``b`` at ``q``:
    ``acc(a) += w_b / (q - p)^2`` and ``acc(b) += w_a / (q - p)^2``. All documents at once, in
    NumPy: a Python loop per document cost as much as the rest of a query.
    """
    acc = np.zeros((n_rows, len(weights)))
    if len(rows) < 2:
        return acc
    order = np.lexsort((terms, positions, rows))  # by document, then position (then term: stable ties)
    r, p, t = rows[order], positions[order], terms[order]
    gap = p[1:] - p[:-1]
    pair = (r[1:] == r[:-1]) & (t[1:] != t[:-1]) & (gap > 0)
    inv = 1.0 / np.square(gap[pair].astype(np.float64))
    row, a, b = r[:-1][pair], t[:-1][pair], t[1:][pair]
    np.add.at(acc, (row, a), weights[b] * inv)
    np.add.at(acc, (row, b), weights[a] * inv)
    return acc


def proximity_score(acc: np.ndarray, weights: np.ndarray, k1: float, norms: np.ndarray) -> np.ndarray:
    """Büttcher et al.'s bonus per document ``sum_t min(1, w_t) * acc_t (k1 + 1) / (acc_t + k1 * norm)``:
    the accumulators (a row per document) saturated and length-normalised like BM25 term frequencies."""
    return np.sum(np.minimum(1.0, weights) * saturate(acc / norms[:, None], k1), axis=1)


def recency_factor(age_days: np.ndarray, half_life: float, weight: float) -> np.ndarray:
    """``1 - weight + weight * 2^(-age / half_life)``: exponential decay (the news-search
    freshness prior of Li & Croft, "Time-based language models", CIKM 2003) of a
    ``weight`` share of the score; an infinite age keeps ``1 - weight``."""
    return (1.0 - weight) + weight * np.exp2(-np.asarray(age_days, dtype=np.float64) / half_life)


def blended_df(dfs: list[int]) -> int:
    """The document frequency every expansion of one prefix, wildcard or fuzzy term is scored
    with: the largest among ``dfs``, those of its closest members (all of a prefix's; a fuzzy
    term's at the fewest edits: the word typed, when the index has it), as Lucene's
    ``TopTermsBlendedFreqScoringRewrite`` blends its ``FuzzyQuery`` terms. Scored with its own df,
    a rare spelling ("pipleline", in 1 document) outweighed the word asked for ("pipeline", in
    150); blended over every neighbour, "gas~" took the df of "was" (an idf near 0)."""
    return max(dfs) if dfs else 0


def edit_similarity(edits: int, len_a: int, len_b: int) -> float:
    """``1 - edits / min(len_a, len_b)``, floored at 0: how much a fuzzy term's match weighs,
    1 for the word itself (Lucene's ``FuzzyTermsEnum`` boost)."""
    return max(0.0, 1.0 - edits / max(1, min(len_a, len_b)))
