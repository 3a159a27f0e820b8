"""Pseudo-relevance feedback: RM3 query expansion for ``match=any``.

The first-pass ranking's top documents are taken as relevant and the query is
re-weighted towards the words they share (Lavrenko & Croft, "Relevance-based
language models", SIGIR 2001; RM3 as in Abdul-Jaleel et al., "UMass at TREC
2004: Novelty and HARD", 2004). With the parameters Anserini uses with BM25
(Lin et al., "Anserini", SIGIR 2017; Yang et al., "Critically examining the
neural hype", SIGIR 2019) -- 10 feedback documents, 10 expansion terms,
original-query weight 0.5:

    P(w|D)   = tf(w, D) / |D|                               (maximum likelihood)
    RM1(w)   = sum_D  P(w|D) * score(D)                     (score: first-pass BM25F)
    RM3(w)   = lambda * P(w|Q) + (1 - lambda) * RM1'(w)

where RM1' keeps the ``n_terms`` heaviest words, normalised to sum 1, and
``P(w|Q)`` is the query's term weights normalised likewise. As in Anserini,
each feedback document contributes only its ``n_terms`` most frequent words that
are at least two characters long, not stopwords and in at most 10% of the
documents (a df cut that replaces a collection-specific stopword list), and
``P(w|D)`` is normalised over those words. The expanded query is scored by BM25F
with the RM3 weights as query-term weights.

Documents' term vectors are not stored: the few feedback documents are
re-analysed from their stored text (microseconds per word, see analysis.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from .analysis import STOP_STEMS, terms
from .view import IndexView

#: Words in more than this share of documents are not feedback terms (Anserini's filter).
MAX_DF_SHARE = 0.1
#: Characters of a feedback document's body analysed (a very long article adds cost, not signal).
MAX_FEEDBACK_CHARS = 20_000


def query_model(weights: Mapping[str, float]) -> dict[str, float]:
    """``P(w|Q)``: query-term weights normalised to sum 1."""
    total = sum(w for w in weights.values() if w > 0)
    return {t: w / total for t, w in weights.items() if w > 0} if total else {}


def doc_model(counts: Mapping[str, int], n_terms: int, keep: Callable[[str], bool]) -> dict[str, float]:
    """``P(w|D)`` over the document's ``n_terms`` most frequent words that ``keep`` accepts."""
    chosen: dict[str, float] = {}
    for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if len(chosen) >= n_terms:
            break
        if keep(w):
            chosen[w] = float(n)
    return _unit(chosen)


def relevance_model(docs: Sequence[Mapping[str, float]], scores: Sequence[float], n_terms: int) -> dict[str, float]:
    """RM1': ``sum_D P(w|D) * score(D)``, its ``n_terms`` heaviest words, normalised to sum 1."""
    rm: dict[str, float] = {}
    for model, score in zip(docs, scores):
        for w, p in model.items():
            rm[w] = rm.get(w, 0.0) + p * max(score, 0.0)
    return _unit(dict(sorted(rm.items(), key=lambda kv: (-kv[1], kv[0]))[:n_terms]))


def interpolate(query: Mapping[str, float], expansion: Mapping[str, float], query_weight: float) -> dict[str, float]:
    """RM3: ``lambda * P(w|Q) + (1 - lambda) * RM1'(w)``."""
    out = {w: query_weight * v for w, v in query.items()}
    for w, v in expansion.items():
        out[w] = out.get(w, 0.0) + (1.0 - query_weight) * v
    return out


def expansion_candidate(view: IndexView, fields: Sequence[str]) -> Callable[[str], bool]:
    """Whether an index term may be a feedback term: two characters or more, not a
    stopword, in at most :data:`MAX_DF_SHARE` of the documents (df cached on the view)."""
    limit = MAX_DF_SHARE * view.doc_count
    cache: dict[str, int] = view.derived.setdefault("feedback_df", {})

    def keep(term: str) -> bool:
        if len(term) < 2 or term in STOP_STEMS:
            return False
        df = cache.get(term)
        if df is None:
            df = cache[term] = view.df(term, fields)
        return df <= limit

    return keep


def document_counts(view: IndexView, docnum: int) -> Counter[str]:
    """Index-term frequencies of a document's title and body, re-analysed from stored text."""
    stored = view.stored(int(docnum))
    return Counter(terms(stored.get("title", "")) + terms(stored.get("body", "")[:MAX_FEEDBACK_CHARS]))


def rm3(view: IndexView, query: Mapping[str, float], docnums: Sequence[int], scores: Sequence[float],
        fields: Sequence[str], *, n_terms: int, query_weight: float) -> dict[str, float]:
    """Expanded query weights from the first-pass top documents ``docnums`` and their ``scores``."""
    keep = expansion_candidate(view, fields)
    models = [doc_model(document_counts(view, d), n_terms, keep) for d in docnums]
    return interpolate(query_model(query), relevance_model(models, scores, n_terms), query_weight)


def _unit(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {w: v / total for w, v in weights.items()} if total > 0 else {}

