"""The bigram postings of the search index, computed on arrays (numpy).

At 10,000 matters the duty text holds three million bigram occurrences;
one Python step per occurrence took three seconds of a build's CPU, these
array operations a quarter of that. The steps:

1. every bigram occurrence becomes one number (its two code points) and a
   place in the joined bodies; bigrams across two bodies or holding a
   space are left out;
2. one stable sort groups the occurrences by bigram, then by matter, in
   text order;
3. each occurrence's number in the encoded entry (a row's first place, or
   the step from the one before) and its separators (``:`` before a
   bigram's first row, ``;gap:`` before its next rows, ``,`` between
   places) are sized and written, digits included, into one byte buffer,
   of which each bigram's entry is a slice.

The format is described in ``generator.site.search`` (``PostingPart``, the
``shards/<k>.js`` entries).
"""
from __future__ import annotations

import os
from collections.abc import Sequence

# numpy's BLAS would start a thread per core at import, spinning between calls: nothing here uses linear
# algebra, and those threads took CPU from the build's own processes (and a forked worker would copy them).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402 (after the thread settings, which numpy reads at import)

# What str.split() splits on, as search.query_terms and search.js split a query: none lies above U+3000.
SPACE_CODES = np.array([code for code in range(0x3001) if chr(code).isspace()], dtype=np.uint32)
CODE_BITS = 21  # a code point fits in 21 bits: two make one 42-bit number


def posting_part(bodies: Sequence[str], start: int = 0) -> dict[str, tuple[int, int, str]]:
    """For each bigram of ``bodies`` (matters ``start``, ``start + 1``, …): its first matter, its
    last one, and its entry after the first gap (``search.posting_part``)."""
    grams, matters, places = _occurrences(bodies)
    if not len(grams):
        return {}
    gram_starts = _changes(grams)
    row_starts = gram_starts | _changes(matters)
    values = places - np.where(row_starts, 0, np.roll(places, 1))  # a row's first place, then steps
    encoded, offsets = _encode(values, matters, gram_starts, row_starts)
    firsts = np.flatnonzero(gram_starts)
    lasts = np.append(firsts[1:], len(grams)) - 1
    bounds = [*offsets[firsts].tolist(), len(encoded)]
    low = (1 << CODE_BITS) - 1
    return {chr(gram >> CODE_BITS) + chr(gram & low): (first, last, encoded[begin:end])
            for gram, first, last, begin, end in zip(grams[firsts].tolist(), (matters[firsts] + start).tolist(),
                                                      (matters[lasts] + start).tolist(), bounds, bounds[1:])}


def _occurrences(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The indexed bigram occurrences sorted by bigram, matter and place: (bigram, matter, place)."""
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=len(bodies))
    codes = np.frombuffer("".join(bodies).encode("utf-32-le"), dtype=np.uint32)
    matter_of = np.repeat(np.arange(len(bodies), dtype=np.int64), lengths)  # of each character
    space = np.isin(codes, SPACE_CODES)
    at = np.flatnonzero((matter_of[:-1] == matter_of[1:]) & ~space[:-1] & ~space[1:])
    grams = (codes[at].astype(np.uint64) << np.uint64(CODE_BITS)) | codes[at + 1]
    order = np.argsort(grams, kind="stable")
    at = at[order]
    matters = matter_of[at]
    return grams[order], matters, at - (np.cumsum(lengths) - lengths)[matters]


def _encode(values: np.ndarray, matters: np.ndarray, gram_starts: np.ndarray,
            row_starts: np.ndarray) -> tuple[str, np.ndarray]:
    """All entries as one ASCII text, and where each occurrence's separator starts in it."""
    next_rows = np.flatnonzero(row_starts & ~gram_starts)  # rows after a bigram's first
    gaps = matters[next_rows] - matters[next_rows - 1]
    gap_digits = _digit_counts(gaps)
    sizes = 1 + _digit_counts(values)
    sizes[next_rows] += gap_digits + 1
    offsets = np.cumsum(sizes) - sizes
    text = np.full(int(offsets[-1] + sizes[-1]), ord(","), dtype=np.uint8)
    text[offsets[gram_starts]] = ord(":")
    text[offsets[next_rows]] = ord(";")
    text[offsets[next_rows] + gap_digits + 1] = ord(":")
    _write_digits(text, offsets[next_rows] + gap_digits, gaps)
    _write_digits(text, offsets + sizes - 1, values)
    return text.tobytes().decode("ascii"), offsets


def _changes(values: np.ndarray) -> np.ndarray:
    """Whether each element differs from the one before it (the first always does)."""
    changed = np.ones(len(values), dtype=bool)
    changed[1:] = values[1:] != values[:-1]
    return changed


def _digit_counts(values: np.ndarray) -> np.ndarray:
    """How many decimal digits each (non-negative) value has."""
    counts = np.ones(len(values), dtype=np.int64)
    power = 10
    while len(values) and (more := values >= power).any():
        counts += more
        power *= 10
    return counts


def _write_digits(text: np.ndarray, ends: np.ndarray, values: np.ndarray) -> None:
    """The decimal digits of ``values`` into ``text``, each number's last digit at ``ends``."""
    while len(ends):
        text[ends] = ord("0") + values % 10
        values = values // 10
        more = values > 0
        ends, values = ends[more] - 1, values[more]
