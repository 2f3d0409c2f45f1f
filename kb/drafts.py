"""An FAQ draft written from a group of resolved tickets (pure; no Django).

The question comes from the group's most representative title (the one
nearest the centroid of the titles' TF-IDF vectors over jieba's words),
without salutations, letter openings and first person, put as a question.
The answer is the group's best resolution: the best rated when citizens
rated them, then the one most of the group's replies agree with (say
nearly the same), then the most central one, without the reply's formulaic
greeting, thanks and closing date. The other resolutions go beside it for
the reviewer. Everything is scrubbed of personal data (kb.privacy) before
anyone sees it, and what was removed is listed with where it was.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.privacy import Removal, scrub
from kb.segment import tokens

# A resolution without a rating counts as this (好差评: 3 is 基本满意), so a
# 差评 resolution ranks below an unrated one and a 好评 above it.
UNRATED = 3
# Replies whose TF-IDF cosine reaches this say the same thing.
AGREEING = 0.8
# Shorter cleaned replies ("已转交相关部门办理。") answer nothing.
SHORTEST_ANSWER = 15


@dataclass(frozen=True)
class Source:
    """What the drafting reads of one resolved ticket."""

    ticket_id: int
    title: str
    resolution: str
    rating: int | None = None


@dataclass(frozen=True)
class Alternative:
    """Another ticket's resolution, cleaned and scrubbed, for the reviewer;
    `same_in` names the other tickets answered with the very same words."""

    ticket_id: int
    text: str
    same_in: tuple[int, ...] = ()


# Which text of the draft a removal was made in.
QUESTION, ANSWER, ALTERNATIVE = "question", "answer", "alternative"


@dataclass(frozen=True)
class Draft:
    question: str
    answer: str
    question_from: int | None
    answer_from: int | None
    alternatives: tuple[Alternative, ...]
    # (place, ticket id, removal) for every piece of personal data taken out.
    removed: tuple[tuple[str, int | None, Removal], ...]


# --- The question ----------------------------------------------------------------

_OPENINGS = (
    # 尊敬的卢局长： / 尊敬的各位领导， / 领导您好！
    re.compile(r"^(?:尊敬的|敬爱的)[^，,：:！!。\s]{0,12}[，,：:！!。\s]*"),
    re.compile(r"^(?:各位|尊敬的)?领导(?:们)?[，,：:！!\s]*"),
    re.compile(r"^(?:您好|你好|领导好|大家好)[，,：:！!。\s]*"),
    re.compile(
        r"^(?:我|本人|我们)?(?:想|要)?(?:请问|问问|问一下|咨询一下|咨询下|了解一下|询问)(?:一下)?[，,：:\s]*"
    ),
    re.compile(r"^(?:关于)?咨询(?:一下|下)?[，,：:\s]*"),
)
_COMPLAINT = re.compile(r"^(?:投诉|举报|反映|反应|检举)[：:，,\s]*")
_ABOUT = re.compile(r"^(?:关于|有关)?对?")
_COMPLAINT_TAIL = re.compile(r"的?(?:投诉|举报|反映|检举)$")
_REQUEST_TAIL = re.compile(r"的?(?:建议|请求|申请)$")
_REQUEST = re.compile(
    r"^(?:强烈|恳请|诚恳|再次)?(?:请求|要求|呼吁|建议|希望|盼望|恳请|恳求|请)[：:，,\s]*"
)
# 我家孩子上学 → 孩子上学, 我们小区 → 小区, 本人的社保 → 社保.
_FIRST_PERSON = re.compile(r"(?:本人|我们|我)(?:的|家)?")
_TAIL_WORDS = re.compile(r"(?:的?(?:相关)?(?:问题|事宜|情况)?的?咨询|的?相关问题|的?问题|事宜)$")
_QUESTION_WORDS = re.compile(
    r"吗|么|呢|如何|怎样|怎么|为何|为什么|什么|哪|何时|何处|多少|几|是否|能否|可否|可不可以|能不能|有没有|是不是|难道"
)
_END_PUNCTUATION = re.compile(r"[\s。.！!？?~～…，,；;：:、]+$")


def question_from_title(title: str) -> str:
    """A ticket's title as an FAQ question: 尊敬的…, 您好, 我想问一下 and first
    person taken out, and put as a question."""
    text = " ".join(title.split())
    for _ in range(3):
        for pattern in _OPENINGS:
            text = pattern.sub("", text)
    text = _END_PUNCTUATION.sub("", text)
    complaint = bool(_COMPLAINT.match(text) or _COMPLAINT_TAIL.search(text))
    request = not complaint and bool(_REQUEST.match(text) or _REQUEST_TAIL.search(text))
    consult = title.lstrip().startswith(("咨询", "请问", "我想", "想问")) or "咨询" in title[-4:]
    if complaint or request or consult or text.startswith(("关于", "有关")):
        text = _ABOUT.sub("", text, count=1)
    for pattern in (_COMPLAINT, _REQUEST, _COMPLAINT_TAIL, _REQUEST_TAIL):
        text = pattern.sub("", text, count=1)
    text = _FIRST_PERSON.sub("", text)
    text = _END_PUNCTUATION.sub("", text).strip()
    if not text:
        return ""
    if _QUESTION_WORDS.search(text):
        return text + "？"
    core = _TAIL_WORDS.sub("", text) or text
    if request:
        return f"能否{core}？"
    if consult:
        return f"{core}有哪些规定？"
    return f"{core}怎么办？"


# --- The answer ------------------------------------------------------------------

_QUOTED = r"[“\"「『][^”\"」』]{0,30}[”\"」』]"
# Whatever stands before the first 您好 is the addressee (网友“UU0081480”, 尊敬的业主 …).
_GREETING = re.compile(r"^[^。！!？?]{0,30}?(?:您好|你好)\s*[！!，,。：:；;]?\s*")
_BARE_HANDLE = re.compile(rf"^\s*(?:网友|网民)?\s*{_QUOTED}\s*(?:网友)?\s*[：:，,]?\s*")
_ADDRESSEE = re.compile(r"^\s*(?:尊敬的)?(?:网友|网民|市民(?:同志|朋友)?)\s*[：:，,]\s*")
_RECEIVED = re.compile(
    r"^[^。！!；;]{0,40}?(?:收悉|获悉|已收到|收到)[^。！!；;：:，,]{0,20}[。！!；;：:，,]\s*"
)
_REPLY_FOLLOWS = re.compile(
    r"^.{0,160}?现[^。！!：:]{0,10}?(?:答复|回复|函复|说明)如下[：:，,。]?\s*", re.S
)
_OPENING_THANKS = re.compile(r"^(?:首先)?(?:非常)?(?:感谢|谢谢)[^。！!]{0,60}[。！!]\s*")
_DATE = (
    r"(?:\d{3,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{4}[./-]\d{1,2}[./-]\d{1,2}"
    r"|[〇一二三四五六七八九零○]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)"
)
_CLOSING_DATE = re.compile(rf"\s*{_DATE}\s*$")
_SIGNER = re.compile(
    r"(?:^|(?<=[。！!；;\s]))[^。！!；;\s，,]{2,24}"
    r"(?:局|委|委员会|办|办公室|政府|中心|公司|部|处|院|所|办事处|街道|镇|乡|大队|支队|分局|组)\s*$"
)
_CLOSING_SENTENCE = re.compile(
    r"^(?:再次|最后，?)?(?:感谢|谢谢|欢迎(?:您|各位|社会|广大|网友)|祝您?|特此|以上是|此复|敬请|"
    r"如(?:果)?您(?:还)?有(?:其他|新的)?(?:意见|建议)|希望您|您的(?:留言|来信)已)"
)
# Thanks after a space rather than a full stop: 可以租赁落户 感谢您对我们工作的支持！
_TRAILING_THANKS = re.compile(r"\s+(?:再次)?(?:感谢|谢谢)[^。！!\s]*[。！!]?$")
_TRANSFERRED = re.compile(
    r"(?:已|现)?(?:转交|转至|转给|转由|转办|转)[^。！!；;]{0,30}(?:核实|办理|办复|处理|调查|答复|回复)"
)
# Where one ticket's reply holds several replies: a date followed by a new greeting.
_NEXT_REPLY = re.compile(
    rf"{_DATE}(?=[^。！!？?]{{0,30}}?(?:您好|你好))"
    r"|[。！!](?=\s*(?:网友|网民)\s*[：:，,]?\s*(?:您好|你好))"
)
_BLOCKS = re.compile(r"\n\s*\n")
_SENTENCE = re.compile(r"[^。！!？?；;]*(?:[。！!？?；;]+|$)")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _replies(text: str) -> list[str]:
    cuts = [m.end() for m in _NEXT_REPLY.finditer(text)]
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _strip_opening(text: str) -> str:
    for _ in range(4):
        before = text
        for pattern in (_GREETING, _BARE_HANDLE, _ADDRESSEE, _RECEIVED, _REPLY_FOLLOWS):
            text = pattern.sub("", text, count=1)
        text = _OPENING_THANKS.sub("", text, count=1)
        if text == before:
            break
    return text


def _strip_closing(text: str) -> str:
    for _ in range(6):
        before = text
        text = _CLOSING_DATE.sub("", text)
        text = _SIGNER.sub("", text).rstrip()
        text = _TRAILING_THANKS.sub("", text).rstrip()
        parts = _sentences(text)
        while parts and _CLOSING_SENTENCE.match(parts[-1].strip()):
            parts.pop()
        text = "".join(parts).rstrip()
        if text == before:
            break
    return text


def _clean_block(text: str) -> str:
    best = ""
    for part in _replies(text):
        part = _strip_closing(_strip_opening(part.strip()))
        kept = [s for s in _sentences(part) if not _TRANSFERRED.search(s) or len(s) > 60]
        part = "".join(kept).strip()
        if len(part) > len(best):
            best = part
    return best


def clean_reply(text: str) -> str:
    """A reply without its formula: the greeting (网友“…”您好！), 来信收悉,
    现将有关情况回复如下, transfer notices, the thanks and the closing date
    and signature. Of a reply that holds several, the most substantial; a
    resolution and a reply (blocks apart by a blank line) are cleaned each."""
    text = (text or "").replace("_x000D_", "\n").strip()
    blocks = (_clean_block(block) for block in _BLOCKS.split(text))
    return "\n\n".join(dict.fromkeys(block for block in blocks if block))


# --- Choosing within the group -------------------------------------------------


def centrality(texts: Sequence[str]) -> list[float]:
    """Each text's cosine to the centroid of the group's TF-IDF vectors
    (jieba's words); 0 for an empty text."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if not texts:
        return []
    if not any(tokens(t) for t in texts):
        return [0.0] * len(texts)
    vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    centroid = normalize(matrix.mean(axis=0).A)
    return [float(v) for v in (matrix @ centroid.T).ravel()]


def agreement(texts: Sequence[str]) -> list[int]:
    """For each text, how many of the group's texts (itself included) say
    nearly the same: TF-IDF cosine at least AGREEING; 0 for an empty text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(tokens(t) for t in texts):
        return [0] * len(texts)
    matrix = TfidfVectorizer(analyzer=tokens, sublinear_tf=True).fit_transform(texts)
    similar = (matrix @ matrix.T).toarray() >= AGREEING
    return [int(row.sum()) for row in similar]


def _most_central(candidates: list[int], scores: list[float]) -> int:
    # Ties go to the earlier source (the caller orders them, oldest first).
    return max(candidates, key=lambda i: (scores[i], -i))


def draft_from(sources: Sequence[Source]) -> Draft:
    """The draft a reviewer starts from, for a group of one or more tickets."""
    sources = list(sources)
    if not sources:
        return Draft("", "", None, None, (), ())
    questions = [question_from_title(s.title) for s in sources]
    with_question = [i for i, q in enumerate(questions) if q] or list(range(len(sources)))
    title_scores = centrality([s.title for s in sources])
    asked = _most_central(with_question, title_scores)

    replies = [clean_reply(s.resolution) for s in sources]
    answered = [i for i, r in enumerate(replies) if len(r) >= SHORTEST_ANSWER]
    answered = answered or [i for i, r in enumerate(replies) if r] or list(range(len(sources)))
    reply_scores = centrality(replies)
    agreeing = agreement(replies)
    best = max(
        answered,
        key=lambda i: (
            sources[i].rating if sources[i].rating is not None else UNRATED,
            agreeing[i],
            reply_scores[i],
            -i,
        ),
    )
    removed = []

    def clean(text, place, ticket_id):
        result = scrub(text)
        removed.extend((place, ticket_id, removal) for removal in result.removed)
        return result.text

    asked_text = questions[asked] or " ".join(sources[asked].title.split())
    question = clean(asked_text, QUESTION, sources[asked].ticket_id)
    answer = clean(replies[best], ANSWER, sources[best].ticket_id)
    others = sorted(
        (i for i in range(len(sources)) if i != best and replies[i]),
        key=lambda i: -reply_scores[i],
    )
    # One card per distinct reply: a group often holds one reply many times.
    same_in: dict[str, list[int]] = {}
    for i in others:
        if replies[i] != replies[best]:
            same_in.setdefault(replies[i], []).append(i)
    alternatives = tuple(
        Alternative(
            sources[first].ticket_id,
            clean(reply, ALTERNATIVE, sources[first].ticket_id),
            tuple(sources[i].ticket_id for i in rest),
        )
        for reply, (first, *rest) in same_in.items()
    )
    return Draft(
        question=question,
        answer=answer,
        question_from=sources[asked].ticket_id,
        answer_from=sources[best].ticket_id,
        alternatives=alternatives,
        removed=tuple(removed),
    )


def context(text: str, removal: Removal, width: int = 15) -> str:
    """The clean text around a removal's marker, for the reviewer to find it."""
    start = max(0, removal.at - width)
    end = min(len(text), removal.at + len(removal.marker) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
