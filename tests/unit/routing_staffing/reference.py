"""Independent Erlang C for cross-checks: exact rationals for small N, logarithms for large N."""

from __future__ import annotations

import math
from fractions import Fraction


def exact_erlang_c(agents: int, intensity: Fraction) -> Fraction:
    """The textbook formula, term by term, in exact arithmetic (fine for small ``agents``)."""
    terms = [intensity**k / math.factorial(k) for k in range(agents)]
    queued = intensity**agents / math.factorial(agents) * agents / (agents - intensity)
    return queued / (sum(terms) + queued)


def log_erlang_c(agents: int, intensity: float) -> float:
    """The same formula with each term as a logarithm, summed with log-sum-exp."""
    terms = [k * math.log(intensity) - math.lgamma(k + 1) for k in range(agents)]
    queued = terms[-1] + math.log(intensity / agents) + math.log(agents / (agents - intensity))
    largest = max(*terms, queued)
    total = sum(math.exp(term - largest) for term in [*terms, queued])
    return math.exp(queued - largest - math.log(total))
