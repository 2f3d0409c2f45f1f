"""Personal data taken out of ticket text before it becomes an FAQ (pure; no Django).

`scrub(text)` returns the text with each piece of personal data replaced by
a marker naming its kind (【电话】, 【姓名】 …) and the list of what was
removed, where, so that a reviewer can check every removal on the draft's
page. It finds: mobile and landline numbers, ID card numbers, e-mail
addresses, bank card numbers, names (王某某, 陈先生, 信访人胡某明 …), web
handles (网友“UU0081480”), addresses below village level (栋, 单元, 室,
house numbers) and licence plates.

It errs towards removing: an official hotline is a phone number too, and
the reviewer puts it back where the answer needs it. Names written without
any cue (a bare list of three names) are not found; the reviewer reads the
draft before it is published.
"""

import re
from dataclasses import dataclass

MARKERS = {
    "phone": "【电话】",
    "id_card": "【身份证号】",
    "email": "【邮箱】",
    "bank_card": "【银行卡号】",
    "name": "【姓名】",
    "handle": "【网名】",
    "address": "【门牌】",
    "plate": "【车牌】",
}

# The commonest Chinese family names (single and double): a name is only
# taken for one when it starts with one of these. Family names that are
# also everyday words (和, 时, 安, 单 …) are left out: they start too many
# ordinary phrases.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿兰焦俞柳祝符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲房滕屈"
    "饶牟艾尤穆农卓吉缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬"
    "仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘苑迟邝"
)
DOUBLE_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")

# Characters that end a name when they follow it (punctuation and the small
# words that come after a person in a sentence).
_AFTER_NAME = (
    r"(?=[\s，。、；：,.;:！!？?（(）)“”\""
    r"与和及等在向对是有为被把将从说于的了也已就都又称因到给让还反仗以家一夫妻父母儿女]|$)"
)
_CJK = r"[\u4e00-\u9fff]"
_DIGIT_BOUNDARY_BEFORE = r"(?<![\dA-Za-z])"
_DIGIT_BOUNDARY_AFTER = r"(?![\dA-Za-z])"
_DASH = r"[-－—–]"

_ID_CARD = re.compile(
    _DIGIT_BOUNDARY_BEFORE
    + r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
    + _DIGIT_BOUNDARY_AFTER
)
_EMAIL = re.compile(r"[A-Za-z0-9*._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD_DIGITS = re.compile(
    _DIGIT_BOUNDARY_BEFORE
    + r"[3-6]\d{3}(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?"
    + _DIGIT_BOUNDARY_AFTER
)
_CARD_CUE = re.compile(r"(?:卡号|账号|帐号|银行卡|储蓄卡|信用卡)[^\d]{0,8}$")
# A phone number may run into the next word (…0000-00000000A7县教育局): only a
# digit after it says it is something longer.
_MOBILE = re.compile(_DIGIT_BOUNDARY_BEFORE + r"(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
# Area code, then the number (some exports split it once more: 0731-0000-00000000).
_LANDLINE = re.compile(
    _DIGIT_BOUNDARY_BEFORE
    + rf"[(（]?0\d{{2,3}}[)）]?\s*{_DASH}{{0,2}}\s*(?:\d{{4}}\s*{_DASH}\s*)?\d{{5,8}}"
    + r"(?:转\d{1,5})?(?!\d)"
)
# A local number without its area code is only taken after a word saying it is one.
_CUED_NUMBER = re.compile(
    r"(?:电话|手机|热线|联系方式|座机|号码|tel|Tel|TEL)[^\d\n。]{0,8}?"
    + _DIGIT_BOUNDARY_BEFORE
    + rf"(\d[\d ]{{5,}}\d(?:{_DASH}\d+)?)"
    + _DIGIT_BOUNDARY_AFTER
)
_QUOTE_OPEN, _QUOTE_CLOSE = '“"「『', '”"」』'
_HANDLE_PATTERNS = (
    re.compile(
        rf"(?:网友|网民|昵称)\s*[{_QUOTE_OPEN}]([^{_QUOTE_CLOSE}\n]{{1,30}})[{_QUOTE_CLOSE}]"
    ),
    re.compile(rf"[{_QUOTE_OPEN}]([^{_QUOTE_CLOSE}\n]{{1,30}})[{_QUOTE_CLOSE}]\s*网友"),
    # A quoted code such as “UU0081480”: a handle wherever it stands.
    re.compile(rf"[{_QUOTE_OPEN}]([A-Za-z_]{{1,6}}\d{{4,}}[A-Za-z0-9_]*)[{_QUOTE_CLOSE}]"),
)
_SURNAME = "(?:" + "|".join(DOUBLE_SURNAMES) + "|[" + "".join(sorted(SURNAMES)) + "])"
# 王某, 王某某, 胡某明 — but not 某些, 某一, 某单位.
_MOU_NAME = re.compile(
    _SURNAME
    + r"某(?:某|(?![些一个种位地项处方时天年部单公企小村镇县区市省人家])"
    + _CJK
    + r"(?<![与和及以在向对于是有为被把将从说等的了也已就都又称因到给让还反系]))?"
)
_TITLED_NAME = re.compile(
    "(" + _SURNAME + _CJK + r"{0,2})(?:先生|女士|小姐|同志|师傅|阿姨|大爷|大妈|大娘|老人|同学)"
)
_CUE_WORDS = (
    "信访人|申请人|被申请人|当事人|投诉人|举报人|来信人|反映人|户主|业主|村民|居民|市民|"
    "村霸|老板|老人|患者|家属|联系人|收件人|法人|我叫|本人叫|名叫|姓名"
)
_CUED_NAME = re.compile(rf"(?:{_CUE_WORDS})[：:\s]?({_SURNAME}{_CJK}{{1,2}}?){_AFTER_NAME}")
# Names in a list, counted after it: 章某某、姚某某、冯某某三户 / 等人.
_NAME_LIST = re.compile(
    rf"(?:{_SURNAME}{_CJK}{{1,2}}、)+{_SURNAME}{_CJK}{{1,2}}?"
    r"(?=等?[一二三四五六七八九十两几\d]+[户人位名]|等[人户])"
)
_LISTED_NAME = re.compile(
    rf"{_SURNAME}{_CJK}{{1,2}}?(?=、|等|[一二三四五六七八九十两几\d]+[户人位名]|$)"
)
# A signature: a short name alone right before the letter's closing date.
_SIGNATURE = re.compile(
    rf"(?:^|[\s。！!，,])({_SURNAME}{_CJK}{{1,2}})\s*(?:\d{{4}}\s*[年./-]|[〇一二三四五六七八九零○]{{4}}年)"
    r"[^。！!]{0,12}$"
)
_BUILDING = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]?\d+[A-Za-z]?(?:[-—]\d+)?\s*(?:栋|幢|号楼|座(?=\s*\d))"
    r"(?:\s*[-—]?\s*\d+\s*(?:单元|楼|层|室|号|房|户)?){0,3}"
)
_UNIT = re.compile(r"(?<![A-Za-z0-9])\d+\s*单元(?:\s*[-—]?\s*\d+\s*(?:楼|层|室|号|房|户)?){0,2}")
_ROOM = re.compile(r"(?<![\d])\d{3,4}\s*(?:室|房)(?![间屋子东产])")
_HOUSE_NUMBER = re.compile(r"(?<=[路街巷弄道里])\d+(?:[-—之]\d+)?号(?![线文令])")
_DOOR_PLATE = re.compile(r"门牌号?[码]?[：:为是\s]*([^\s，。；,;]{1,20})")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•]?"
    r"[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])"
)


# What a cue or a date stands before more often than a name: an office.
_NOT_NAME_ENDINGS = frozenset("县局办委镇乡村区市所院处站队部厅司社会组楼")


@dataclass(frozen=True)
class Removal:
    """One piece of personal data: its kind, where it was in the text given
    (start, end), what it was, and where its marker is in the clean text."""

    kind: str
    start: int
    end: int
    original: str
    at: int = 0

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]


@dataclass(frozen=True)
class Scrubbed:
    text: str
    removed: tuple[Removal, ...]


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _found(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    def add(kind, match, group=0):
        found = match.group(group)
        if kind == "name" and found[-1] in _NOT_NAME_ENDINGS:
            return
        if found:
            spans.append((match.start(group), match.end(group), kind))

    for match in _ID_CARD.finditer(text):
        add("id_card", match)
    for match in _EMAIL.finditer(text):
        add("email", match)
    for match in _CARD_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 16 <= len(digits) <= 19 and (
            _luhn(digits) or _CARD_CUE.search(text[max(0, match.start() - 12) : match.start()])
        ):
            add("bank_card", match)
    for match in _MOBILE.finditer(text):
        add("phone", match)
    for match in _LANDLINE.finditer(text):
        add("phone", match)
    for match in _CUED_NUMBER.finditer(text):
        if len(re.sub(r"\D", "", match.group(1))) >= 7:
            add("phone", match, 1)
    for pattern in _HANDLE_PATTERNS:
        for match in pattern.finditer(text):
            add("handle", match, 1)
    for match in _MOU_NAME.finditer(text):
        add("name", match)
    for match in _TITLED_NAME.finditer(text):
        add("name", match, 1)
    for match in _CUED_NAME.finditer(text):
        add("name", match, 1)
    for match in _SIGNATURE.finditer(text):
        add("name", match, 1)
    for match in _NAME_LIST.finditer(text):
        for name in _LISTED_NAME.finditer(match.group()):
            spans.append((match.start() + name.start(), match.start() + name.end(), "name"))
    # A name found once is removed wherever else it stands.
    for name in {text[start:end] for start, end, kind in spans if kind == "name"}:
        if len(name) >= 2 and "某" not in name:
            spans.extend((m.start(), m.end(), "name") for m in re.finditer(re.escape(name), text))
    for pattern in (_BUILDING, _UNIT, _ROOM, _HOUSE_NUMBER):
        for match in pattern.finditer(text):
            add("address", match)
    for match in _DOOR_PLATE.finditer(text):
        add("address", match, 1)
    for match in _PLATE.finditer(text):
        add("plate", match)
    return spans


def _without_overlaps(spans):
    """The earliest span wins; of two starting together, the longer."""
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, kind))
    return kept


def scrub(text: str) -> Scrubbed:
    """The text with its personal data replaced by markers, and the removals."""
    if not text:
        return Scrubbed(text or "", ())
    parts, removed, cursor, length = [], [], 0, 0
    for start, end, kind in _without_overlaps(_found(text)):
        # A span's own surrounding whitespace stays (it was trimmed in the patterns).
        original = text[start:end]
        stripped = original.strip()
        start += len(original) - len(original.lstrip())
        end = start + len(stripped)
        parts.append(text[cursor:start])
        length += start - cursor
        removed.append(Removal(kind, start, end, stripped, at=length))
        parts.append(MARKERS[kind])
        length += len(MARKERS[kind])
        cursor = end
    parts.append(text[cursor:])
    return Scrubbed("".join(parts), tuple(removed))
