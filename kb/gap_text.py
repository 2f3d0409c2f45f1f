"""The key that groups searches without an answer (pure; no Django): the
same request typed with other spacing, punctuation, width, case or in
traditional characters is one knowledge gap."""

import functools
import unicodedata

import opencc

MAX_LENGTH = 300


@functools.cache
def _simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def gap_key(text: str) -> str:
    """不動產 登記？ and 不动产登记 share one key; empty when nothing is left."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _simplified().convert(text)
    kept = (c for c in text if unicodedata.category(c)[0] not in "PZSC")
    return "".join(kept)[:MAX_LENGTH]
