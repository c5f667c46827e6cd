"""Which documents to score: found by the query's rarest terms first, with the work capped.

Asking an index for the documents that hold *any* of a query's terms makes it visit every
document holding a common one (at 200,000 documents, "card" is in 61,000), and ranking
them all is what made a search take half a second. Here the index is asked, in turn:

1. for every document holding one of the rarest terms, as long as their document
   frequencies add up to at most ``RARE_POSTINGS`` (these are the documents that score
   highest: a rare term weighs most in BM25);
2. then, while fewer than ``ENOUGH`` documents are found, for those holding *all* of the
   (at most ``MOST_COMMON_TERMS`` rarest) remaining common terms, then all but the
   commonest, and so on, each time leaving out what an earlier request found: the
   excluded terms (the rare ones and the one term dropped last) leave out exactly the
   documents the earlier requests can find.

Each request is capped, and so is the whole (``MOST_DOCUMENTS``); the requests are planned
from the terms' frequencies alone, so an index is given them all at once
(``SearchIndex.documents_in_turn``). Every document found is then scored by BM25 on all of
the query's terms (``scoring``). The index needs nothing but "documents holding all (or
any) of these terms and none of those": an inverted index (FTS5, a GIN index) answers it
by reading the rare terms' short lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from knowledge_base.index import SearchIndex
from knowledge_base.model import CorpusStats, Hit, Probe

RARE_POSTINGS = 1_000
ENOUGH = 100
MOST_PER_REQUEST = 500
MOST_DOCUMENTS = 1_500
# Documents holding the 3 rarest common terms include those holding all 10; asking for
# fewer terms keeps a long query to 4 requests.
MOST_COMMON_TERMS = 3


def gather(index: SearchIndex, terms: Sequence[str], stats: CorpusStats) -> list[Hit]:
    """The documents worth scoring for the query's terms: at most ``MOST_DOCUMENTS``."""
    # A request is made only while fewer than ENOUGH documents are found, so what it may add
    # is known before any is made: the whole stays within MOST_DOCUMENTS.
    room = MOST_DOCUMENTS - (ENOUGH - 1)
    requests = [
        (probe, min(MOST_PER_REQUEST if probe.every else RARE_POSTINGS, room))
        for probe in probes(terms, stats)
    ]
    return index.documents_in_turn(requests, ENOUGH)


def in_turn(index: SearchIndex, requests: Sequence[tuple[Probe, int]], enough: int) -> list[Hit]:
    """``documents_in_turn`` for an index asked one probe at a time: each request in turn,
    until ``enough`` documents are found."""
    found: list[Hit] = []
    for probe, limit in requests:
        found += index.documents(probe, limit)
        if len(found) >= enough:
            break
    return found


def probes(terms: Sequence[str], stats: CorpusStats) -> Iterator[Probe]:
    """The requests for a query's terms, most selective first (see the module's doc)."""
    frequency = stats.frequencies.get
    held = sorted({t for t in terms if frequency(t, 0) > 0}, key=lambda t: (frequency(t, 0), t))
    rare: list[str] = []
    postings = 0
    for term in held:
        postings += frequency(term, 0)
        if postings > RARE_POSTINGS:
            break
        rare.append(term)
    if rare:
        yield Probe(tuple(rare), every=False)
    common = held[len(rare) :][:MOST_COMMON_TERMS]
    for size in range(len(common), 0, -1):
        # Holding common[:size] but not common[size]: the larger sets were asked before.
        excluded = tuple(rare) + tuple(common[size : size + 1])
        yield Probe(tuple(common[:size]), every=True, excluded=excluded)
