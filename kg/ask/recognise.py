"""A typed query → what it names: years, thresholds, organizations (full, short or partial names), regions, kinds
of body, subjects (name or code), items and their groups, budget phases, the named queries' keywords, and the
words left over for the full-text search. Segmentation is jieba's, with the dictionary's terms as its words."""
from __future__ import annotations

import datetime
import logging
import difflib
import re
from dataclasses import dataclass, field

import jieba

jieba.setLogLevel(logging.WARNING)  # not its 'Building prefix dict' lines on every command's stderr

from cnbudget.kg.ask.dictionary import Dictionary
from cnbudget.kg.ask.words import words
from cnbudget.kg.interpret.places import divisions

# columns of every table, too general to search figures by alone
GENERIC_ITEMS = {"Total", "Subtotal", "Amount", "BudgetAmount", "ActualAmount", "GrandTotal"}
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = r"[零〇一二两三四五六七八九十百]+"
_NUMBER = r"\d+(?:\.\d+)?"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度?|年)?")
_SEGMENTS = re.compile(r"[\s,，、;；:：。.!！?？\"'“”‘’()（）\[\]{}<>《》|/\\+*=&^$#@~`-]+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞]")  # 「“三公”经费」 is 三公经费
_RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "上年度": -1, "前年": -2}


@dataclass
class Entity:
    text: str          # as found in the query
    kind: str          # org, region, kind, subject, item, group, phase, year, threshold, query, word
    key: str           # IRI, code, year, phase names, the query's name …
    label: str = ""    # how to show it

    def to_json(self) -> dict:
        out = {"text": self.text, "kind": self.kind}
        out["iri" if self.key.startswith("http") else "value"] = self.key
        if self.label:
            out["label"] = self.label
        return out


@dataclass
class Reading:
    text: str
    entities: list[Entity] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)   # words no entity took, for the full-text search
    alternatives: list[Entity] = field(default_factory=list)  # other readings of an ambiguous word

    def of(self, kind: str) -> list[Entity]:
        return [e for e in self.entities if e.kind == kind]

    def keys(self, kind: str) -> list[str]:
        out: list[str] = []
        for e in self.of(kind):
            if e.key not in out:
                out.append(e.key)
        return out

    @property
    def threshold(self) -> float | None:
        t = self.of("threshold")
        return float(t[0].key) if t else None


def chinese_number(text: str) -> int | None:
    """十 → 10, 八十五 → 85, 九 → 9, 一百 → 100 (what thresholds use)."""
    if not text:
        return None
    if "百" in text:
        head, _, rest = text.partition("百")
        n = (_DIGITS.get(head, 1) if head else 1) * 100
        tail = chinese_number(rest.lstrip("零")) if rest else 0
        return None if tail is None else n + tail
    if "十" in text:
        head, _, rest = text.partition("十")
        tens = _DIGITS.get(head, 1) if head else 1
        ones = _DIGITS.get(rest, 0) if rest else 0
        return tens * 10 + ones
    if all(c in _DIGITS for c in text):
        return int("".join(str(_DIGITS[c]) for c in text))
    return None


def _threshold_patterns() -> list[tuple[re.Pattern, str]]:
    compare = words().compare
    below = "|".join(sorted((re.escape(w) for w, c in compare.items() if c == "below"), key=len, reverse=True))
    above = "|".join(sorted((re.escape(w) for w, c in compare.items() if c == "above"), key=len, reverse=True))
    value = rf"(?P<pct>{_NUMBER})\s*%|百分之(?P<cnpct>{_CN_NUMBER}|{_NUMBER})|(?P<cheng>{_CN_NUMBER}|\d)\s*成|(?P<frac>0\.\d+)"
    return [(re.compile(rf"(?P<cmp>{below})\s*(?:{value})\s*(?:以下)?"), "below"),
            (re.compile(rf"(?P<cmp>{above})\s*(?:{value})\s*(?:以上)?"), "above"),
            (re.compile(rf"(?:{value})\s*(?P<cmp>以下|之下)"), "below"),
            (re.compile(rf"(?:{value})\s*(?P<cmp>以上|之上)"), "above")]


def _fraction(m: re.Match) -> float | None:
    if m.group("pct"):
        return float(m.group("pct")) / 100
    if m.group("cnpct"):
        v = m.group("cnpct")
        n = float(v) if re.fullmatch(_NUMBER, v) else chinese_number(v)
        return None if n is None else n / 100
    if m.group("cheng"):
        v = m.group("cheng")
        n = int(v) if v.isdigit() else chinese_number(v)
        return None if n is None else n / 10
    if m.group("frac"):
        return float(m.group("frac"))
    return None


_shared: list[jieba.Tokenizer] = []


def _tokenizer() -> jieba.Tokenizer:
    """One jieba per process: its own dictionary takes a second or two to load; each new dictionary of the graph
    only adds its words (a word a reload dropped stays a word, harmless: it names nothing)."""
    if not _shared:
        t = jieba.Tokenizer()
        t.initialize()
        _shared.append(t)
    return _shared[0]


class Recogniser:
    """Built once per dictionary: jieba with the dictionary's terms, the terms by length for fuzzy matching."""

    def __init__(self, dictionary: Dictionary):
        self.d = dictionary
        self.tokenizer = _tokenizer()
        for term in dictionary.terms:
            if len(term) >= 2 and not term.isascii():
                self.tokenizer.add_word(term, freq=200_000)
        self.thresholds = _threshold_patterns()
        self.by_char: dict[str, set[str]] = {}   # a character → the names of bodies, subjects, items holding it
        self.by_tail: dict[str, list[str]] = {}  # a body's name's last two characters → the names
        for term, entries in dictionary.terms.items():
            kinds = {k for k, _ in entries}
            if kinds & {"org", "subject", "item"} and len(term) >= 3:
                for ch in set(term):
                    self.by_char.setdefault(ch, set()).add(term)
            if "org" in kinds:
                self.by_tail.setdefault(term[-2:], []).append(term)
        self.by_length: dict[int, list[str]] = {}
        for term, entries in dictionary.terms.items():
            if len(term) >= 3 and any(k in ("org", "subject", "item", "group", "query", "word") for k, _ in entries):
                self.by_length.setdefault(len(term), []).append(term)

    def tokens(self, text: str) -> list[str]:
        return [t.strip() for t in self.tokenizer.cut(text, HMM=False) if t.strip()]

    def search_tokens(self, text: str) -> list[str]:
        """Tokens for the full-text index: words of two characters or more, and their parts."""
        stop = words().stop
        return [t for t in self.tokenizer.cut_for_search(text, HMM=False)
                if len(t.strip()) >= 2 and t not in stop and not re.fullmatch(r"[\W_]+", t)]

    def read(self, text: str, today: datetime.date | None = None) -> Reading:
        r = Reading(text)
        self.today = today or datetime.date.today()
        rest = self._thresholds(_QUOTES.sub("", text), r)
        rest = self._years(rest, r, self.today)
        for segment in _SEGMENTS.split(rest):
            if segment:
                self._segment(segment, r)
        return r

    def _segment(self, segment: str, r: Reading) -> None:
        """One run of text between spaces and punctuation: its tokens, the runs of unknown words and kinds of
        body among them read together (固废 + 中心 is 固废中心, a short name), a misspelt segment as the term it
        is closest to."""
        stop = words().stop
        tokens = [t for t in self.tokens(segment) if t not in stop]
        known = [self._known(t) for t in tokens]
        if not all(known) and len(segment) >= 3 and not segment.isascii() and segment not in self.d.terms:
            if self._leftover(segment, r, quiet=True):  # the whole of a longer name (核与辐射安全 of …监督)
                return
            close = self._fuzzy(segment)
            if close and not any(segment in t or t in segment for t in close[:1]):
                self._add(segment, self.d.terms[close[0]], r)
                return
        run: list[str] = []
        for token, is_known in zip(tokens + [""], known + [True]):
            entries = self.d.terms.get(token, [])
            if token and (not is_known or all(k == "kind" for k, _ in entries)):
                run.append(token)
                continue
            self._run(run, r)
            run = []
            if token:
                self._token(token, r)

    def _known(self, token: str) -> bool:
        return token in _RELATIVE_YEARS or token in self.d.terms or (token.isdigit() and token in self.d.subjects)

    def _run(self, run: list[str], r: Reading) -> None:
        if not run:
            return
        whole = "".join(run)
        if len(run) > 1 and self._leftover(whole, r, quiet=True):
            return
        for token in run:
            if not self._token(token, r):
                self._leftover(token, r)

    # --- pieces ---------------------------------------------------------------------------------------------

    def _thresholds(self, text: str, r: Reading) -> str:
        for pattern, direction in self.thresholds:
            for m in pattern.finditer(text):
                value = _fraction(m)
                if value is not None and 0 < value <= 20:
                    r.entities.append(Entity(m.group().strip(), "threshold", f"{value:g}", direction))
                    text = text.replace(m.group(), " ", 1)
        return text

    def _years(self, text: str, r: Reading, today: datetime.date) -> str:
        for m in _YEAR.finditer(text):
            r.entities.append(Entity(m.group().strip(), "year", m.group(1)))
        return _YEAR.sub(" ", text)

    def _token(self, token: str, r: Reading) -> bool:
        if token in _RELATIVE_YEARS:  # 去年 alone; 本年 inside 本年支出合计 is part of an item's name
            r.entities.append(Entity(token, "year", str(self.today.year + _RELATIVE_YEARS[token])))
            return True
        entries = self.d.terms.get(token)
        if not entries:
            if token.isdigit() and token in self.d.subjects:
                r.entities.append(Entity(token, "subject", token, self.d.subjects[token]))
                return True
            return False
        self._add(token, entries, r)
        return True

    def _add(self, text: str, entries: list[list[str]], r: Reading) -> None:
        kinds = {k for k, _ in entries}
        for kind, key in entries:
            if kind == "item" and key.rsplit("#", 1)[-1] in GENERIC_ITEMS and kinds & {"phase", "group", "query"}:
                continue  # 预算 is a phase here, 三公经费合计 the group
            if kind == "org":
                orgs = [k for k2, k in entries if k2 == "org"]
                if len(set(orgs)) > 1 and key != orgs[0]:
                    r.alternatives.append(Entity(text, kind, key, self.d.orgs.get(key, {}).get("name", "")))
                    continue
            r.entities.append(Entity(text, kind, key, self._label(kind, key)))

    def _label(self, kind: str, key: str) -> str:
        if kind == "org":
            return self.d.orgs.get(key, {}).get("name", "")
        if kind == "item":
            return self.d.items.get(key, "")
        if kind == "subject":
            return self.d.subjects.get(key, "")
        return ""

    def _leftover(self, chunk: str, r: Reading, quiet: bool = False) -> bool:
        """Words no term took: a partial or abbreviated name (固废中心, 大气污染), a misspelling, else text
        for the full-text search (unless `quiet`: then False, and nothing noted)."""
        chunk = chunk.strip()
        if not chunk:
            return False
        if len(chunk) >= 2 and not chunk.isascii():
            place = _place(chunk) if not quiet or chunk not in self.d.terms else ""
            if place:  # a place no loaded department is in: named, so that the answer is empty, not everything
                r.entities.append(Entity(chunk, "region", place))
                return True
            found = self._partial(chunk) if len(chunk) >= 3 else []
            if not found and len(chunk) >= 3:
                found = self._fuzzy(chunk)
            if found:
                best, *others = found
                self._add(chunk, self.d.terms[best], r)
                for term in others[:4]:
                    for kind, key in self.d.terms[term]:
                        if kind in ("org", "subject", "item"):
                            r.alternatives.append(Entity(chunk, kind, key, self._label(kind, key)))
                return True
        if not quiet:
            r.leftovers.append(chunk)
        return False

    def _partial(self, chunk: str) -> list[str]:
        """Names the chunk is part of, shortest first: a substring (大气污染 of 大气污染防治支出; a body's name
        only at its end, 监察支队 of 焦作市环境监察支队), or for a body its characters in order with the same
        last two (固废中心 of 固废辐射环境技术中心)."""
        candidates = set.intersection(*(self.by_char.get(ch, set()) for ch in set(chunk)))
        hits = [t for t in candidates if chunk in t and t != chunk
                and any(k in ("subject", "item") or (k == "org" and t.endswith(chunk)) for k, _ in self.d.terms[t])]
        if not hits and len(chunk) >= 3:
            hits = [t for t in self.by_tail.get(chunk[-2:], []) if _in_order(chunk, t)]
        return sorted(set(hits), key=lambda t: (len(t), t))

    def _fuzzy(self, chunk: str) -> list[str]:
        """Terms one character off (执行律 → 执行率, 大汽污染 → 大气污染): of about the same length, starting alike."""
        candidates = [t for n in range(len(chunk) - 1, len(chunk) + 2) for t in self.by_length.get(n, [])
                      if t[0] == chunk[0]]
        return difflib.get_close_matches(chunk, candidates, n=3, cutoff=0.66 if len(chunk) == 3 else 0.75)


def _place(chunk: str) -> str:
    """The full name of the administrative division `chunk` names (北京市, 沅陵县, 沅陵), "" if none."""
    places = [p for p, strong in divisions().by_form.get(chunk, ()) if strong or len(chunk) >= 2]
    return places[0].name if places else ""


def _in_order(chunk: str, name: str) -> bool:
    pos = 0
    for ch in chunk:
        pos = name.find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True
