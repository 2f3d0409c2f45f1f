"""The key that groups searches without an answer (pure; no Django): the
same request typed with other spacing, punctuation, width, case or in
traditional characters is one knowledge gap."""

import unicodedata

from kb.segment import normalise

MAX_LENGTH = 300


def gap_key(text: str) -> str:
    """不動產 登記？ and 不动产登记 share one key; empty when nothing is left."""
    text = normalise(text or "").casefold()
    kept = (c for c in text if unicodedata.category(c)[0] not in "PZSC")
    return "".join(kept)[:MAX_LENGTH]
