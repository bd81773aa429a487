"""Crisis safety net: a curated phrase/pattern layer beside the MiniLM framing classifier.

Why it exists
    A small sentence-embedding classifier misses some crisis wording: text-speak ("kms",
    "unalive", "sewerslide"), typos ("sucidal"), rare phrasings, or one crisis sentence buried in
    a long ordinary post. A keyword layer plus a classifier reached sensitivity 0.98 (PPV 0.66) in
    prospective use (Swaminathan et al., npj Digit Med 2023). This module is that keyword layer.

How it combines with the model (decided by the lead)
    final label = ``crisis``  if the net hits  OR  P(crisis) from the model >= the crisis threshold;
    otherwise the model's argmax.
    The net only ever ADDS ``crisis``; it never removes or lowers a crisis label from the model,
    and it never changes the other five labels except by turning them into ``crisis``. Recall is
    favoured over precision: a false alarm costs a moderator a look; a miss can cost a life. The
    message is then handled by the crisis path (private signposting, a human told at once).

What counts as crisis here
    Thoughts of suicide or self-harm; not wanting to be alive; a plan or a goodbye; harming, wanting
    or fearing to harm the baby (intrusive harm thoughts included); signs that need urgent help -
    postpartum psychosis (voices telling her to do things, believing the baby is evil, possessed,
    not hers or swapped, days without sleep together with racing or strange thoughts). NICE CG192
    red flags "new thoughts or acts of violent self-harm" are covered. Its other red flag, new and
    persistent expressions of incompetence as a mother or estrangement from the baby, is left to
    the model (usually ``isolation``) unless it comes with harm wording - the net does not fire on
    "I'm a terrible mum", "I feel nothing for him" or "I can't do this anymore".

How a message is checked
    1. ``normalise`` the text (lowercase, NFKC, straight quotes, Discord markup stripped,
       elongations collapsed, text-speak and typos expanded, whitespace collapsed).
    2. Every pattern (config/framing/safety_net.toml, grouped by category) is searched over the
       whole message; an ``all = [...]`` pattern needs each of its parts somewhere in the message.
    3. Each match is judged in its own sentence. It is dropped if
       - it lies inside an exclusion span (idiom, negation, accident, someone else's story), e.g.
         "I'm not suicidal", "I would never hurt him", "cut myself shaving", "kill me now lol",
         "im not gonna hurt myself", "never once thought about hurting myself", "no self harm";
         or a sentence-scope exclusion for the pattern matches in its sentence (or, with
         ``reach = 1``, in the sentence next to it). An exclusion's ``unless`` (e.g. "but
         tomorrow i will", "i lied") is searched in the match's sentence, every sentence the
         exclusion span touches and the sentence after the span; if found, the match stands.
         Exclusions written against other hands' posts (config/framing/dev/; measure_net.py
         says which files were tuned on):
           * screening answers: a span from the question ("asked if", "the EPDS question",
             "the form") to her answer ("i said no", "ticked never"; the answer may open the
             next sentence), so the crisis words must lie between; not when she says it was
             a lie or not true ("i lied and said no", "i said no but i do");
           * perinatal OCD education (sentence scope, reach 1, harm-to-baby patterns and
             jumping): "OCD", "CBT", "ERP", "horrified", "they're intrusive"; not when she
             fears or feels she will act ("scared i'll act on them", "and i want to",
             "not just intrusive thoughts anymore", "tonight");
           * film / TV / book / podcast / news framing about someone else (sentence scope, a
             few third-person-prone patterns); not when she links it to herself ("i feel the
             same", "i've been planning", "that's me");
           * conditional exasperation: "if one more person ... i'll jump off a cliff";
       - the past-and-resolved rule holds: a recovery marker ("doing better", "got help",
         "i'm well now", "2 years free") in the match's sentence or a later one, no relapse or
         recent-time marker anywhere ("again", "lately", "it's back", "last night", "last
         week"), and the clause with the match has a distant-past marker ("last year", "after
         my first", "back in 2022", "when my son was 5 months") and no present-tense marker -
         or is dated by a ``retro`` marker after it, in its sentence or the next ("..., but
         that was ages ago", ". that was 2 years ago"). Recent past never counts as resolved.
       - the recovered-story rule holds: she tells her own PAST story, over now ("after my son
         was born I took an overdose. I got treated and I've been well for years"). The message
         has a resolution marker ("been well for years", "they're gone", "on the other side",
         "discharged me", "she's 6 now", "that was 2021", "three years clear", "she's in year
         2"), no relapse or present-risk marker anywhere ("it's back", "an hour ago", "i have a
         plan", "the same thoughts", "i'm in the car park"), no time word ("again", "lately",
         "tonight") in a sentence about her distress ("the thoughts came again", not "back at
         work again on monday"), no ordinary time word ("today", "still", "yesterday") in the
         match's sentence or, in a sentence about her distress, the two after it, and the
         sentence with the match is told in the past ("I had", "3 years out from") with no
         present-tense risk ("I want", "I keep"). One condition missing and the match stands.
         The past-and-resolved rule reads its time words the same way.
       - the screening-answer rule holds: the match's sentence (or one of the two before it) reports a
         screening question ("she asked if", "the one about self-harm", "the EPDS item"), the
         match's sentence has no present-tense risk,
         her "no" comes in that sentence or the two after it ("I said no", "my answer was
         never", "honestly no", "(no)", "self harm: no", "no to both"), nothing near says yes
         (other than "yes to the anxiety ones"), "sometimes", "but I do" or a relapse word (a
         time word only in a sentence about her distress), and nothing in the message says the
         no was a lie ("not gonna lie" is not one) or that she has a plan.
       Exclusions are span-based, never message-wide: "I'm not suicidal but I want to die" still
       fires, and any one crisis sentence makes the whole message match. "I'm not sure I want to
       be alive" and "not actively suicidal" are deliberately NOT negations.
    4. Humour ("lol", "😂") only silences named hyperbole patterns ("kill me now", "my baby is
       possessed"); it never silences a direct statement such as "I want to die lol".

Reported speech (decision)
    Someone else's suicide or self-harm ("my friend's sister took her own life", "my cousin died by
    suicide") is a bereavement or a story, not her own risk, so it does not fire by itself - most
    crisis patterns are first-person anyway, and a ``reported`` exclusion covers the bare words.
    Where it is linked to her ("...and so have I", "me too", "I want to do the same") or any
    first-person crisis wording appears, the net fires. Where unsure, patterns err on recall: a
    pronoun object in a harm frame ("I want to shake him") fires even though "him" could be a
    partner.

Privacy
    ``check`` returns only hits (category, pattern id, whom it is about, whether she has taken
    something). Neither this module nor its errors ever
    log, return or store the message text.

Performance
    All regexes are compiled once; exclusions and sentence analysis run only when a pattern has
    matched, and a literal gate derived from each parsed regex (a set of strings every match must
    contain) skips most regexes on ordinary messages. A typical message takes about 0.1 ms;
    10,000-character input takes a few ms (every regex is linear: bounded gaps only).
"""

from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATEGORIES = (
    "suicide",
    "self_harm",
    "passive_death_wish",
    "plan_or_goodbye",
    "harm_to_baby",
    "psychosis",
)

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "config" / "framing" / "safety_net.toml"

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u02bc": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": " - ",
        "\u2212": "-",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)

_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:)\d+>|https?://\S+")
_FORMAT_CHARS = re.compile(r"[*~|]+|(?<!\w)_+|_+(?!\w)")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r" ?\n[\s]*")


# Censored / leet / typo forms, applied before formatting characters are stripped (they use *
# and digits): (cheap substring gate or None, regex, replacement). Each regex starts with a literal
# so the engine can skip ahead quickly.
_PRE_RULES: tuple[tuple[tuple[str, ...] | None, re.Pattern[str], Any], ...] = (
    (
        ("slid",),
        re.compile(r"s(?<!\ws)(?:ewer|ui|u)[ -]?slid(e|al)\b"),
        lambda m: "suicide" if m.group(1) == "e" else "suicidal",
    ),
    (
        None,
        re.compile(r"s(?<!\ws)[uo*][uoiay1!*]{0,2}[cs]{1,2}[iy1!*]{0,2}d(e|3|al|ial|le|ally)\b"),
        lambda m: "suicidal" if m.group(1) in ("al", "ial", "ally") else "suicide",
    ),
    (("1ll", "!ll", "*ll"), re.compile(r"k(?<!\wk)[1!*]ll"), "kill"),
    (("1e", "!e", "*e"), re.compile(r"d(?<!\wd)[1!*]e\b"), "die"),
    (("3ad", "*ad"), re.compile(r"d(?<!\wd)[3*]ad\b"), "dead"),
    (("o.d",), re.compile(r"o(?<!\wo)\.d\.?(?=\s|$)"), "od"),
)
# Word-for-word text-speak, contractions without apostrophes and typos (whole words only).
_WORD_MAP: dict[str, str] = {
    "kmsl": "lol",
    "kms": "kill myself",
    "be unalive": "be dead",
    "be un-alive": "be dead",
    "unalive": "kill",
    "un-alive": "kill",
    "unalived": "killed",
    "unaliving": "killing",
    "my self": "myself",
    "my slef": "myself",
    "myslef": "myself",
    "mysefl": "myself",
    "myselfe": "myself",
    "myslf": "myself",
    "selfharm": "self-harm",
    "self harm": "self-harm",
    "selfharming": "self-harming",
    "self harming": "self-harming",
    "selfharmed": "self-harmed",
    "self harmed": "self-harmed",
    "od'd": "overdosed",
    "odd'd": "overdosed",
    "oded": "overdosed",
    "od'ed": "overdosed",
    "im": "i'm",
    "ive": "i've",
    "youre": "you're",
    "theyre": "they're",
    "were'nt": "weren't",
    "thats": "that's",
    "whats": "what's",
    "theres": "there's",
    "shes": "she's",
    "hes": "he's",
    "wanna": "want to",
    "wana": "want to",
    "wanta": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "hafta": "have to",
    "dunno": "don't know",
    "idk": "i don't know",
    "u": "you",
    "ur": "your",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "bcos": "because",
    "bcoz": "because",
    "bcuz": "because",
    "rn": "right now",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "tmrw": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "wkend": "weekend",
    "wknd": "weekend",
    "tho": "though",
    "any more": "anymore",
    "anymoe": "anymore",
    "anymor": "anymore",
    "n e more": "anymore",
    "noone": "no one",
    "no1": "no one",
    "no-one": "no one",
    "every1": "everyone",
    "some1": "someone",
    "wnat": "want",
    "wnt": "want",
    "kil": "kill",
    "ded": "dead",
    "lil": "little",
    "lo": "baby",
    "bubba": "baby",
    "bubs": "baby",
    "bub": "baby",
    "ds": "son",
    "dd": "daughter",
    # session 23: chat spellings and Scots read from crises no reading found
    "sum1": "someone",
    "tkn": "taken",
    "everythin": "everything",
    "evrythin": "everything",
    "evrything": "everything",
    "cannae": "can't",
    "canna": "can't",
    "dinnae": "don't",
    "didnae": "didn't",
    "wouldnae": "wouldn't",
    "aboot": "about",
    "dae": "do",
    "thinkin": "thinking",
    "hurtin": "hurting",
    "the wean": "the baby",
    "my wean": "my baby",
    "ma wean": "my baby",
    "the bairn": "the baby",
    "my bairn": "my baby",
    "ma bairn": "my baby",
    "ah dinnae": "i don't",
    "the morra": "tomorrow",
    "ye'll ken": "you'll know",
    "takin": "taking",
    "sumthin": "something",
}
for _stem in (
    "do", "does", "did", "ca", "wo", "is", "was", "were", "are", "have", "has", "had",
    "should", "would", "could", "must", "ai",
):  # fmt: skip
    _WORD_MAP[_stem + "nt"] = _stem + "n't"
for _verb in (
    "want", "need", "going", "have", "wish", "ready", "tempted", "like", "trying", "try",
    "deserve", "how", "urge", "able",
):  # fmt: skip
    _WORD_MAP[_verb + " 2"] = _verb + " to"

_WORD_RX = re.compile(
    r"(?<![\w'-])(?:" + "|".join(re.escape(w) for w in sorted(_WORD_MAP, key=len, reverse=True)) + r")(?![\w'])"
)
# A key can only match if its last space/hyphen-separated part is a whole [\w']+ token of the text.
_WORD_GATE = frozenset(re.split(r"[ -]", key)[-1] for key in _WORD_MAP)
_TOKEN = re.compile(r"[\w']+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_FORMAT_TRIGGERS = ("*", "~", "|", "_")


def _shorten(m: re.Match[str]) -> str:
    ch = m.group(1)
    return ch if ch in "aeiou" else ch * 2


def _word_sub(m: re.Match[str]) -> str:
    return _WORD_MAP[m.group()]


def normalise(text: str) -> str:
    """Normalise a message for pattern matching (see the module docstring).

    Lowercases, applies NFKC, straightens curly quotes, strips Discord mentions/emoji markup,
    URLs and emphasis characters, collapses elongations ("sooo" -> "so"), expands common
    text-speak, contractions without apostrophes and typos, and collapses whitespace. Newlines
    are kept (they end sentences).
    """
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP).lower()
    if "<" in t or "http" in t:
        t = _DISCORD_MARKUP.sub(" ", t)
    t = _ELONGATED.sub(_shorten, t)
    for gate, rx, rep in _PRE_RULES:
        if gate is None or any(g in t for g in gate):
            t = rx.sub(rep, t)
    if any(ch in t for ch in _FORMAT_TRIGGERS):
        t = _FORMAT_CHARS.sub(" ", t)
    t = _SPACES.sub(" ", t)
    if not _WORD_GATE.isdisjoint(_TOKEN.findall(t)):
        t = _WORD_RX.sub(_word_sub, t)
    if "\n" in t:
        t = _NEWLINES.sub("\n", t)
    return t.strip()


# --------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------


# Whom a pattern's crisis is about: her (the default), or someone she is telling about ("my sister sent a
# goodbye and isn't answering"), whose care starts with getting help to that person.
ABOUT = ("her", "someone_else")


@dataclass(frozen=True)
class SafetyNetHit:
    category: str
    pattern_id: str
    about: str = "her"  # one of ABOUT
    taken: bool = False  # she says she has already taken it (an overdose): harm can come hours later


def about_someone_else(hits: Sequence[SafetyNetHit]) -> bool:
    """Whether there are hits and every one is about someone she is telling about, not her."""
    return bool(hits) and all(hit.about == "someone_else" for hit in hits)


def overdose_taken(hits: Sequence[SafetyNetHit]) -> bool:
    """Whether a hit says she has already taken an overdose (`taken = true` in safety_net.toml)."""
    return any(hit.taken and hit.about == "her" for hit in hits)


# What her urgent message leads with: the emergency number for her (and the baby), for someone she is telling about
# (every hit is theirs), or now even if she feels fine (she says she has taken an overdose).
LEADS = ("her", "someone_else", "overdose")


def lead(hits: Sequence[SafetyNetHit]) -> str:
    """The lead of her urgent message for these hits (one of LEADS)."""
    if about_someone_else(hits):
        return "someone_else"
    return "overdose" if overdose_taken(hits) else "her"


@dataclass(frozen=True)
class _Pattern:
    id: str
    category: str
    regexes: tuple[re.Pattern[str], ...]
    gates: tuple[frozenset[str] | None, ...]  # per regex: literals, one of which every match holds
    about: str = "her"
    # for about = "someone_else": the message must tell what that person sent or said (about_when), and
    # hold none of her own crisis in the first person (about_unless); otherwise the hit is about her
    about_when: re.Pattern[str] | None = None
    about_unless: re.Pattern[str] | None = None
    taken: bool = False

    def about_in(self, norm: str) -> str:
        if self.about == "her":
            return "her"
        if self.about_when is not None and not self.about_when.search(norm):
            return "her"
        if self.about_unless is not None and self.about_unless.search(norm):
            return "her"
        return self.about


@dataclass(frozen=True)
class _Exclusion:
    id: str
    kind: str
    regex: re.Pattern[str]
    sentence_scope: bool
    applies_to: frozenset[str] | None
    unless: re.Pattern[str] | None
    reach: int = 0  # sentence scope: also an exclusion match up to this many sentences away


@dataclass(frozen=True)
class _PastRule:
    past: re.Pattern[str]
    present: re.Pattern[str]
    recovery: re.Pattern[str]
    relapse: re.Pattern[str]
    # "that was two years ago" after the clause (same or next sentence) dates the clause before it
    retro: re.Pattern[str] | None = None
    # counts as `relapse` only in a sentence the recovered-story rule's `topic` matches
    relapse_weak: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _StoryRule:
    resolved: re.Pattern[str]
    told_in_past: re.Pattern[str]
    risk_now: re.Pattern[str]
    relapse: re.Pattern[str]  # anywhere in the message: the story is not over
    # ordinary time words ("today", "still", "yesterday") cancel the rule only in the match's
    # sentence or the RECENT_REACH after it: an update about today often frames an old story
    recent: re.Pattern[str] | None = None
    # the past may be told in an earlier sentence when the match's own sentence is in the past
    # tense (`past_tense`) with nothing in the present (`present_tense`)
    past_tense: re.Pattern[str] | None = None
    present_tense: re.Pattern[str] | None = None
    # time words ("again", "tonight") that cancel the rule only in a sentence `topic` matches
    relapse_weak: re.Pattern[str] | None = None
    topic: re.Pattern[str] | None = None
    # dated years back in the match's own sentence ("five years ago I tried to end my life"): that
    # sentence needs no `resolved` marker elsewhere in the message
    long_ago: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _AnswerRule:
    cue: re.Pattern[str]  # a screening question in the match's sentence
    answer: re.Pattern[str]  # her "no", in that sentence or the ANSWER_REACH after it
    admission: re.Pattern[str]  # anywhere in the message: the "no" was a lie, or she has a plan
    admission_near: re.Pattern[str]  # a yes, "sometimes", "but i do", a relapse: near the answer
    relapse_weak: re.Pattern[str] | None = None  # near the answer, only in a `topic` sentence
    # her "no" given straight to the question holding the match: at the start of the sentence after
    # a question ("any thoughts of harming yourself? no.") or after a colon ("self harm: no")
    direct: re.Pattern[str] | None = None
    inline: re.Pattern[str] | None = None
    # the question as reported ("asked if i'd had thoughts of harming myself lately"): a time word
    # inside it is the question's frame, not her relapse
    question: re.Pattern[str] | None = None
    # the answers a form offers ("yes quite often / sometimes / hardly ever / never"): read out, not chosen
    options: re.Pattern[str] | None = None


RECENT_REACH = 2
ANSWER_REACH = 2
CUE_REACH = 2  # the question may be told up to this many sentences before the match
# Who a clause is about, for time words: the reader ("if you're in it right now") or her.
_READER = re.compile(
    r"\b(?:you|you'?re|youre|your|yours|anyone|anybody|someone|somebody|those of you|a lot of you|many of you"
    r"|any of you|(?:the|a|any|other|newer|new|some) (?:mums?|moms?|mothers?|mamas?|mammies)"
    r" (?:who|here|posting|on here))\b")
_SELF = re.compile(r"\b(?:i|i'?m|im|i'?ve|ive|i'?d|i'?ll|me|my|myself|we|we'?re|our)\b")
_SENTENCE_END = re.compile(r"[.!?\n]+")
_CLAUSE_BREAK = re.compile(
    r"\b(?:but|though|although|however|whereas|yet)\b"
    r"|,\s*(?:now|and now|thankfully|luckily|these days)\b|\band now\b|;|\s-\s"
    r"|,\s*(?=(?:i'?m|i am|i feel|i have|i'?ve|things|life|it'?s)\b)"
    r"|\band (?=(?:now|i'?m|i am|i got|got|today|this year)\b)"
    r"|,\s*(?=(?:i got|got|haven'?t|now|today|this year|that was|(?:the|my) \w+ (?:team|psych|unit|gp|meds|therapy)\b))"
)
_MACRO_REF = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def _expand(source: str, macros: dict[str, str], where: str) -> str:
    for _ in range(5):
        if not _MACRO_REF.search(source):
            return source

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in macros:
                raise ValueError(f"safety net: {where} uses unknown macro {{{name}}}")
            return f"(?:{macros[name]})"

        source = _MACRO_REF.sub(repl, source)
    raise ValueError(f"safety net: {where}: macros nested too deeply")


def _compile(source: object, macros: dict[str, str], where: str) -> re.Pattern[str]:
    if not isinstance(source, str) or not source.strip():
        raise ValueError(f"safety net: {where} needs a non-empty regex string")
    try:
        return re.compile(_expand(source, macros, where))
    except re.error as exc:
        raise ValueError(f"safety net: {where} has an invalid regex: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Literal gate: a sound, cheap pre-check so that most regexes never run on ordinary messages.
# For each regex we derive a set of literal strings such that EVERY match contains at least one of
# them (from the parsed regex: a mandatory literal run, or the union over an alternation). If none
# is in the text, the regex cannot match. If no such set can be derived, the regex always runs.
# --------------------------------------------------------------------------------------------

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from re import _constants as _sre_c  # type: ignore[attr-defined]
        from re import _parser as _sre_p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python versions: no gate, same results
    _sre_c = _sre_p = None

_MIN_LITERAL = 3


def _leading_literal(seq: Any) -> str:
    out = []
    for op, av in seq:
        if op is not _sre_c.LITERAL:
            break
        out.append(chr(av))
    return "".join(out)


def _reduce(lits: frozenset[str]) -> frozenset[str]:
    """Drop literals that contain another literal of the set (checking the shorter suffices)."""
    return frozenset(a for a in lits if not any(b != a and b in a for b in lits))


def _necessary(seq: Any) -> frozenset[str] | None:
    c = _sre_c
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= _MIN_LITERAL:
            candidates.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in seq:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        sub: frozenset[str] | None = None
        if op is c.BRANCH:
            alts = av[1]
            prefix = "".join(run)
            if prefix:
                joined = frozenset(prefix + _leading_literal(alt) for alt in alts)
                if all(len(x) >= _MIN_LITERAL for x in joined):
                    candidates.append(_reduce(joined))
            parts = [_necessary(alt) for alt in alts]
            if all(part is not None for part in parts):
                sub = _reduce(frozenset().union(*parts))  # type: ignore[arg-type]
        elif op is c.SUBPATTERN:
            sub = _necessary(av[3])
        elif op is getattr(c, "ATOMIC_GROUP", None):
            sub = _necessary(av)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            sub = _necessary(av[2])
        flush()
        if sub:
            candidates.append(sub)
    flush()
    if not candidates:
        return None
    return min(candidates, key=_gate_cost)


# Function words: a literal made only of these passes the gate on almost every message.
# fmt: off
_COMMON_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "for", "from", "go",
    "how", "i", "i'm", "in", "into", "is", "it", "me", "my", "no", "not", "of", "off", "on", "or",
    "out", "so", "that", "the", "then", "this", "to", "up", "was", "we", "when", "where", "with",
    "you", "your",
))
# fmt: on


def _gate_cost(lits: frozenset[str]) -> float:
    """Rough cost of a gate: a few substring scans plus the chance the regex still has to run."""
    miss = 1.0
    for lit in lits:
        words = lit.split()
        if not words or all(w in _COMMON_WORDS for w in words):
            p = 0.9
        elif len(lit) <= 3:
            p = 0.3
        elif len(lit) <= 5:
            p = 0.1
        else:
            p = 0.03
        miss *= 1.0 - p
    return 0.05 * len(lits) + (1.0 - miss)


def _gate_for(source: str) -> frozenset[str] | None:
    if _sre_p is None:
        return None
    try:
        lits = _necessary(_sre_p.parse(source))
    except Exception:  # any parser surprise just disables the gate for this regex
        return None
    return lits or None


def _load_patterns(groups: object, macros: dict[str, str]) -> list[_Pattern]:
    if not isinstance(groups, dict) or not groups:
        raise ValueError("safety net: no [[patterns.CATEGORY]] entries")
    patterns: list[_Pattern] = []
    seen: set[str] = set()
    for category, entries in groups.items():
        if category not in CATEGORIES:
            raise ValueError(f"safety net: unknown category {category!r}; expected {CATEGORIES}")
        for n, entry in enumerate(entries):
            pid = entry.get("id")
            where = f"pattern {pid or f'{category}#{n + 1}'}"
            if not isinstance(pid, str) or not pid.startswith(f"{category}."):
                raise ValueError(f"safety net: {where}: id must start with '{category}.'")
            if pid in seen:
                raise ValueError(f"safety net: duplicate pattern id {pid}")
            seen.add(pid)
            if ("regex" in entry) == ("all" in entry):
                raise ValueError(f"safety net: {where}: give exactly one of regex / all")
            sources = [entry["regex"]] if "regex" in entry else entry["all"]
            if not isinstance(sources, list) or not sources:
                raise ValueError(f"safety net: {where}: 'all' must be a non-empty list")
            about = entry.get("about", "her")
            if about not in ABOUT:
                raise ValueError(f"safety net: {where}: about must be one of {ABOUT}, not {about!r}")
            if about == "her" and ("about_when" in entry or "about_unless" in entry):
                raise ValueError(f"safety net: {where}: about_when and about_unless need about = 'someone_else'")
            when, unless = (_compile(entry[key], macros, where) if key in entry else None
                            for key in ("about_when", "about_unless"))
            taken = entry.get("taken", False)
            if not isinstance(taken, bool):
                raise ValueError(f"safety net: {where}: taken must be true or false")
            regexes = tuple(_compile(src, macros, where) for src in sources)
            gates = tuple(_gate_for(rx.pattern) for rx in regexes)
            patterns.append(_Pattern(pid, category, regexes, gates, about, when, unless, taken))
    return patterns


def _load_exclusions(kinds: object, macros: dict[str, str], patterns: list[_Pattern]) -> list[_Exclusion]:
    if not isinstance(kinds, dict):
        raise ValueError("safety net: [exclusions] must be a table of [[exclusions.KIND]] lists")
    pattern_ids = {p.id for p in patterns}
    seen: set[str] = set(pattern_ids)
    exclusions: list[_Exclusion] = []
    for kind, entries in kinds.items():
        for n, entry in enumerate(entries):
            eid = entry.get("id")
            where = f"exclusion {eid or f'{kind}#{n + 1}'}"
            if not isinstance(eid, str) or not eid:
                raise ValueError(f"safety net: {where}: missing id")
            if eid in seen:
                raise ValueError(f"safety net: duplicate id {eid}")
            seen.add(eid)
            scope = entry.get("scope", "span")
            if scope not in ("span", "sentence"):
                raise ValueError(f"safety net: {where}: scope must be 'span' or 'sentence'")
            applies = entry.get("applies_to")
            if applies is not None:
                unknown = [a for a in applies if a not in pattern_ids]
                if unknown:
                    raise ValueError(f"safety net: {where}: applies_to unknown patterns {unknown}")
                applies = frozenset(applies)
            elif scope == "sentence":
                raise ValueError(f"safety net: {where}: a sentence-scope exclusion needs applies_to")
            unless = entry.get("unless")
            reach = entry.get("reach", 0)
            if not isinstance(reach, int) or isinstance(reach, bool) or not 0 <= reach <= 2:
                raise ValueError(f"safety net: {where}: reach must be 0, 1 or 2")
            if reach and scope != "sentence":
                raise ValueError(f"safety net: {where}: reach needs scope = 'sentence'")
            exclusions.append(
                _Exclusion(
                    id=eid,
                    kind=kind,
                    regex=_compile(entry.get("regex"), macros, where),
                    sentence_scope=scope == "sentence",
                    applies_to=applies,
                    unless=_compile(unless, macros, f"{where} unless") if unless is not None else None,
                    reach=reach,
                )
            )
    return exclusions


class _Context:
    """Per-message lazy analysis: sentences, exclusion spans, past-resolved state."""

    __slots__ = ("_admitted", "_ex_sentences", "_ex_spans", "_net", "_past", "_recovery_at", "_relapse",
                 "_resolved_anywhere", "_rx_spans", "_story",
                 "_unless", "ends", "starts", "text")

    def __init__(self, net: SafetyNet, text: str) -> None:
        self._net = net
        self.text = text
        starts = [0]
        ends = []
        for m in _SENTENCE_END.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends
        self._ex_spans: dict[str, tuple[list[int], list[int]]] = {}
        self._ex_sentences: dict[str, set[int]] = {}
        self._unless: dict[tuple[str, int, int], bool] = {}
        self._past: dict[int, tuple[bool, list[int]]] = {}
        self._relapse: bool | None = None
        self._recovery_at: int | None = None
        self._story: bool | None = None
        self._resolved_anywhere = False
        self._admitted: bool | None = None
        self._rx_spans: dict[re.Pattern[str], list[tuple[int, int]]] = {}

    def sentence_of(self, pos: int) -> int:
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)

    def sentence(self, index: int) -> str:
        return self.text[self.starts[index] : self.ends[index]]

    def sentences(self, first: int, last: int) -> str:
        """The text from sentence `first` to sentence `last`, both clamped to the message."""
        return self.text[self.starts[max(first, 0)] : self.ends[min(last, len(self.ends) - 1)]]

    def _spans(self, ex: _Exclusion) -> tuple[list[int], list[int]]:
        """(starts, ends) of the exclusion's matches: sorted and non-overlapping (finditer)."""
        spans = self._ex_spans.get(ex.id)
        if spans is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in ex.regex.finditer(self.text):
                starts.append(m.start())
                ends.append(m.end())
            spans = (starts, ends)
            self._ex_spans[ex.id] = spans
        return spans

    def _inside(self, ex: _Exclusion, start: int, end: int) -> int | None:
        """Index of the exclusion span that contains [start, end), or None."""
        starts, ends = self._spans(ex)
        i = bisect.bisect_right(starts, start) - 1  # the only span that can contain `start`
        return i if i >= 0 and end <= ends[i] else None

    def _sentences_hit(self, ex: _Exclusion) -> set[int]:
        hit = self._ex_sentences.get(ex.id)
        if hit is None:
            hit = set()
            for s in self._spans(ex)[0]:
                index = self.sentence_of(s)
                hit.update(range(max(index - ex.reach, 0), min(index + ex.reach, len(self.starts) - 1) + 1))
            self._ex_sentences[ex.id] = hit
        return hit

    def _lifted(self, ex: _Exclusion, first: int, last: int) -> bool:
        """`unless` found in sentences first..last (the match's sentence, widened to the sentences
        an exclusion span or a sentence-scope reach covers)."""
        if ex.unless is None:
            return False
        key = (ex.id, first, last)
        lifted = self._unless.get(key)
        if lifted is None:
            lifted = ex.unless.search(self.text, self.starts[first], self.ends[last]) is not None
            self._unless[key] = lifted
        return lifted

    def _resolved_past(self, sentence: int, pos: int) -> bool:
        rule = self._net._past_rule
        if rule is None:
            return False
        state = self._past.get(sentence)
        if state is None:
            text = self.sentence(sentence)
            # the recovery may be told in this sentence or a later one ("...wanted to die. got help
            # and i'm well now"); a relapse marker anywhere still cancels the rule
            applies = not self._relapse_anywhere() and self._last_recovery() >= self.starts[sentence]
            breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)] if applies else []
            state = (applies, breaks)
            self._past[sentence] = state
        applies, breaks = state
        if not applies:
            return False
        base = self.starts[sentence]
        rel = pos - base
        i = bisect.bisect_right(breaks, rel)
        lo = breaks[i - 1] if i > 0 else 0
        hi = breaks[i] if i < len(breaks) else self.ends[sentence] - base
        clause = self.text[base + lo : base + hi]
        if rule.present.search(clause) is not None:
            return False
        if rule.past.search(clause) is not None:
            return True
        if rule.retro is None:
            return False
        # dated afterwards: "i wanted to die, but that was ages ago" / "... . that was 2 years ago"
        after_end = self.ends[min(sentence + 1, len(self.ends) - 1)]
        return rule.retro.search(self.text, base + hi, after_end) is not None

    def allowed(self, pattern_id: str, start: int, end: int) -> bool:
        sentence = self.sentence_of(start)
        answers = self._net._answer_rule
        for ex in self._net._exclusions:
            if ex.applies_to is not None and pattern_id not in ex.applies_to:
                continue
            # a screening question that she says she answered falsely, or answered yes, drops nothing
            if ex.kind == "screening" and answers is not None and self._admission(answers):
                continue
            if ex.sentence_scope:
                if sentence not in self._sentences_hit(ex):
                    continue
                first = max(sentence - ex.reach, 0)
                last = min(sentence + ex.reach, len(self.starts) - 1)
            else:
                span = self._inside(ex, start, end)
                if span is None:
                    continue
                starts, ends = self._spans(ex)
                first = min(sentence, self.sentence_of(starts[span]))
                # the sentence after the span too: "...and i said no. i do though"; for a screening
                # question, as far as her answer may reach: "...i said no. but they're telling me to tonight"
                after = ANSWER_REACH if ex.kind == "screening" else 1
                last = min(max(sentence, self.sentence_of(max(ends[span] - 1, starts[span]))) + after,
                           len(self.starts) - 1)
            if not self._lifted(ex, first, last):
                return False
        return (not self._resolved_past(sentence, start) and not self._recovered_story(sentence)
                and not self._answered_no(sentence) and not self._answered_straight(sentence, end))

    def _last_recovery(self) -> int:
        """Start of the last recovery marker in the message (-1 if none); computed once."""
        if self._recovery_at is None:
            rule = self._net._past_rule
            last = -1
            if rule is not None:
                for m in rule.recovery.finditer(self.text):
                    last = m.start()
            self._recovery_at = last
        return self._recovery_at

    def _relapse_anywhere(self) -> bool:
        """A relapse marker anywhere in the message, or a recent-time word in a sentence about her
        distress (the past-and-resolved rule needs it)."""
        if self._relapse is None:
            rule = self._net._past_rule
            story = self._net._story_rule
            self._relapse = rule is not None and (
                rule.relapse.search(self.text) is not None
                or (rule.relapse_weak is not None and story is not None and story.topic is not None
                    and self._in_topic_sentence(rule.relapse_weak, story.topic)))
        return self._relapse

    def _recovered_story(self, sentence: int) -> bool:
        rule = self._net._story_rule
        if rule is None:
            return False
        if self._story is None:
            self._resolved_anywhere = rule.resolved.search(self.text) is not None
            self._story = rule.relapse.search(self.text) is None and not self._weak_relapse(rule)
        if not self._story:
            return False
        text = self.sentence(sentence)
        # without a resolved marker, a date years back stands in for one only if no time word
        # ("again", "tonight") appears anywhere: "two years ago i tried to end my life. i'm there again"
        if not self._resolved_anywhere and (
                rule.long_ago is None or rule.long_ago.search(text) is None
                or (rule.relapse_weak is not None and rule.relapse_weak.search(self.text) is not None)):
            return False
        if rule.risk_now.search(text) is not None:
            return False
        # the past may be told in an earlier sentence ("It was 2016. I heard a voice...") or the next
        # ("I never thought I'd be someone who overdosed. Happened in 2017.") when the match's own
        # sentence is told in the past tense with nothing in the present
        if rule.told_in_past.search(text) is None and not (
                rule.past_tense is not None and rule.present_tense is not None
                and rule.past_tense.search(text) is not None and rule.present_tense.search(text) is None
                and ((sentence > 0 and rule.told_in_past.search(self.sentences(0, sentence - 1)) is not None)
                     or (sentence + 1 < len(self.starts)
                         and rule.told_in_past.search(self.sentence(sentence + 1)) is not None))):
            return False
        if rule.recent is None:
            return True
        if rule.recent.search(text) is not None:
            return False
        # in the sentences after, only where they speak of her distress ("i'm still well" frames)
        for after in range(sentence + 1, min(sentence + RECENT_REACH, len(self.starts) - 1) + 1):
            start, end = self.starts[after], self.ends[after]
            if rule.recent.search(self.text, start, end) is not None and (
                    rule.topic is None or rule.topic.search(self.text, start, end) is not None):
                return False
        return True

    def _weak_relapse(self, rule: _StoryRule) -> bool:
        """A time word ("again", "tonight") in a sentence about her distress: the story is not over."""
        if rule.relapse_weak is None or rule.topic is None:
            return False
        return self._in_topic_sentence(rule.relapse_weak, rule.topic)

    def _in_topic_sentence(self, words: re.Pattern[str], topic: re.Pattern[str],
                           first: int = 0, last: int | None = None, skip: re.Pattern[str] | None = None) -> bool:
        """One of `words` in a sentence `topic` matches (sentences first..last, default all), outside
        any span of `skip`."""
        first = max(first, 0)
        last = len(self.ends) - 1 if last is None else min(last, len(self.ends) - 1)
        for m in words.finditer(self.text, self.starts[first], self.ends[last]):
            if skip is not None and self._within(skip, m.start(), m.end()):
                continue
            index = self.sentence_of(m.start())
            if (topic.search(self.text, self.starts[index], self.ends[index]) is not None
                    and not self._about_the_reader(self.starts[index], m.start())):
                return True
        return False

    def _about_the_reader(self, start: int, at: int) -> bool:
        """The time word at `at` belongs to a clause about the reader, not her: the last subject
        before it in its sentence is "you", "anyone", "the mum who posted" ("if you're in it right
        now", "to the mum who posted last night", "please call your crisis team tonight")."""
        reader = [m.end() for m in _READER.finditer(self.text, start, at)]
        if not reader:
            return False
        mine = [m.end() for m in _SELF.finditer(self.text, start, at)]
        return not mine or reader[-1] > mine[-1]

    def _within(self, rx: re.Pattern[str], start: int, end: int) -> bool:
        """[start, end) lies inside one match of `rx` over the whole message (matches cached)."""
        spans = self._rx_spans.get(rx)
        if spans is None:
            spans = self._rx_spans[rx] = [(m.start(), m.end()) for m in rx.finditer(self.text)]
        return any(s <= start and end <= e for s, e in spans)

    def _search_outside(self, rx: re.Pattern[str], start: int, end: int, *skip: re.Pattern[str] | None) -> bool:
        """A match of `rx` in text[start:end] that is inside no match of any `skip`."""
        return any(not any(k is not None and self._within(k, m.start(), m.end()) for k in skip)
                   for m in rx.finditer(self.text, start, end))

    def _is_question(self, sentence: int) -> bool:
        if sentence + 1 >= len(self.starts):
            return False
        return "?" in self.text[self.ends[sentence]:self.starts[sentence + 1]]

    def _answered_straight(self, sentence: int, end: int) -> bool:
        """Read out like a list, each question answered at once: "any thoughts of harming yourself? no.
        any thoughts of harming baby? no. crying? yes." / "self harm: no. better off dead: no". The no
        must be the very next thing after the question (or its colon), nothing in the message admits
        or relapses, and nothing up to the next question says yes, sometimes or "but i do"."""
        rule = self._net._answer_rule
        story = self._net._story_rule
        if rule is None or (rule.direct is None and rule.inline is None):
            return False
        if self._admission(rule) or (story is not None and story.relapse.search(self.text) is not None):
            return False
        if story is not None and story.risk_now.search(self.sentence(sentence)) is not None:
            return False
        if rule.inline is not None and rule.inline.match(self.text, end, self.ends[sentence]) is not None:
            answered = sentence
        elif (rule.direct is not None and self._is_question(sentence)
              and rule.direct.match(self.text, self.starts[sentence + 1]) is not None):
            answered = sentence + 1
        else:
            return False
        # what follows the answer, up to the next item of the list (a question, or "label: answer")
        last = answered
        while (last + 1 < len(self.starts) and last < answered + ANSWER_REACH and not self._is_question(last + 1)
               and ":" not in self.sentence(last + 1)):
            last += 1
        return not self._search_outside(rule.admission_near, end, self.ends[last], rule.options, rule.question)

    def _admission(self, rule: _AnswerRule) -> bool:
        """Anywhere in the message: the no was a lie, she has a plan, or a harm question got a yes."""
        if self._admitted is None:
            self._admitted = rule.admission.search(self.text) is not None
        return self._admitted

    def _answered_no(self, sentence: int) -> bool:
        rule = self._net._answer_rule
        if rule is None:
            return False
        text = self.sentence(sentence)
        # the question may be told in the sentences before ("she asked the mental health ones. 'Any
        # thoughts of suicide?' Nope.")
        if self._admission(rule) or rule.cue.search(self.sentences(sentence - CUE_REACH, sentence)) is None:
            return False
        story = self._net._story_rule
        if story is not None and story.risk_now.search(text) is not None:
            return False
        if rule.answer.search(self.sentences(sentence, sentence + ANSWER_REACH)) is None:
            return False
        first, last = max(sentence - 1, 0), min(sentence + ANSWER_REACH + 1, len(self.ends) - 1)
        if self._search_outside(rule.admission_near, self.starts[first], self.ends[last], rule.options,
                                rule.question):
            return False
        topic = story.topic if story is not None else None
        return rule.relapse_weak is None or topic is None or not self._in_topic_sentence(
            rule.relapse_weak, topic, first, last, skip=rule.question)


class SafetyNet:
    """Curated crisis patterns with exclusions. Build with :meth:`from_file`."""

    def __init__(
        self,
        patterns: list[_Pattern],
        exclusions: list[_Exclusion],
        past_rule: _PastRule | None,
        story_rule: _StoryRule | None = None,
        answer_rule: _AnswerRule | None = None,
        *,
        use_gate: bool = True,
    ) -> None:
        self._use_gate = use_gate
        self._patterns = tuple(patterns)
        self._literals = tuple(sorted({lit for p in patterns for g in p.gates if g for lit in g}))
        self._exclusions = tuple(exclusions)
        self._past_rule = past_rule
        self._story_rule = story_rule
        self._answer_rule = answer_rule

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def from_file(cls, path: Path | str = DEFAULT_PATH, *, use_gate: bool = True) -> SafetyNet:
        with Path(path).open("rb") as fh:
            data = tomllib.load(fh)
        return cls.from_dict(data, use_gate=use_gate)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, use_gate: bool = True) -> SafetyNet:
        macros_raw = data.get("macros", {})
        if not isinstance(macros_raw, dict) or not all(isinstance(v, str) for v in macros_raw.values()):
            raise ValueError("safety net: [macros] must map NAME = regex string")
        macros: dict[str, str] = dict(macros_raw)
        patterns = _load_patterns(data.get("patterns", {}), macros)
        exclusions = _load_exclusions(data.get("exclusions", {}), macros, patterns)
        past_rule = None
        raw_past = data.get("past_resolved")
        if raw_past is not None:
            past_rule = _PastRule(
                **{
                    key: _compile(raw_past.get(key), macros, f"past_resolved.{key}")
                    for key in ("past", "present", "recovery", "relapse",
                                *(key for key in ("retro", "relapse_weak") if key in raw_past))
                }
            )
        story_rule = None
        raw_story = data.get("recovered_story")
        if raw_story is not None:
            if past_rule is None:
                raise ValueError("safety net: [recovered_story] needs [past_resolved] (it reuses its relapse regex)")
            optional = [key for key in ("recent", "relapse", "past_tense", "present_tense", "relapse_weak", "topic",
                                        "long_ago") if key in raw_story]
            if ("relapse_weak" in raw_story) != ("topic" in raw_story):
                raise ValueError("safety net: [recovered_story] relapse_weak and topic go together")
            keys = ["resolved", "told_in_past", "risk_now", *optional]
            compiled = {key: _compile(raw_story.get(key), macros, f"recovered_story.{key}") for key in keys}
            compiled.setdefault("relapse", past_rule.relapse)
            story_rule = _StoryRule(**compiled)
        answer_rule = None
        raw_answer = data.get("screening_answer")
        if raw_answer is not None:
            keys = ["cue", "answer", "admission", "admission_near"]
            keys += [key for key in ("relapse_weak", "direct", "inline", "question", "options") if key in raw_answer]
            answer_rule = _AnswerRule(**{key: _compile(raw_answer.get(key), macros, f"screening_answer.{key}")
                                         for key in keys})
        return cls(patterns, exclusions, past_rule, story_rule, answer_rule, use_gate=use_gate)

    # -- inspection ------------------------------------------------------------------------------

    @property
    def pattern_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self._patterns)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.category for p in self._patterns))

    # -- matching --------------------------------------------------------------------------------

    def check(self, text: str) -> list[SafetyNetHit]:
        """Crisis hits for a message; an empty list means no match. Never echoes the text."""
        norm = normalise(text) if isinstance(text, str) else ""
        if not norm:
            return []
        present = {lit for lit in self._literals if lit in norm} if self._use_gate else set()
        candidates: list[tuple[_Pattern, list[list[tuple[int, int]]]]] = []
        for pattern in self._patterns:
            spans_per_regex: list[list[tuple[int, int]]] = []
            for rx, gate in zip(pattern.regexes, pattern.gates, strict=True):
                if self._use_gate and gate is not None and present.isdisjoint(gate):
                    break
                spans = [(m.start(), m.end()) for m in rx.finditer(norm)]
                if not spans:
                    break
                spans_per_regex.append(spans)
            else:
                candidates.append((pattern, spans_per_regex))
        if not candidates:
            return []
        ctx = _Context(self, norm)
        return [
            SafetyNetHit(pattern.category, pattern.id, pattern.about_in(norm), pattern.taken)
            for pattern, spans_per_regex in candidates
            if all(any(ctx.allowed(pattern.id, s, e) for s, e in spans) for spans in spans_per_regex)
        ]

    def matches(self, text: str) -> bool:
        return bool(self.check(text))
