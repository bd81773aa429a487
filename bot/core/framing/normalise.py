"""Chat spellings to plain English, for the framing model only (training and serving alike).

The model learned from written-out English, so "got the pills out rn ngl" read as something else
than "got the pills out right now not gonna lie". `normalise(text)` rewrites whole words only:

- a word is a run of letters and digits with no letter, digit, apostrophe (but for a following
  "'s"), "&", "@", "#", "/" or hyphen directly on either side, so "u-turn", "K-pop", "R&B", "I'm",
  "#tbh", "@ur" and "2nd" stay, and "2nite's" is "tonight's";
- URLs, e-mail addresses, Discord mentions/emoji (<@…>, <#…>, <:name:id>) and `code` are untouched;
- case: a Capitalised word gives a Capitalised replacement, an ALL-CAPS word an ALL-CAPS one
  ("NGL" → "NOT GONNA LIE"), otherwise lower case; replacements that start with "I" keep it;
  acronyms are written out in lower case ("PND" → "postnatal depression", "HV" → "health
  visitor"); a few ALL-CAPS forms mean something else and stay ("RN", "ATM", "BC", "IM");
- letters repeated three or more times collapse ("sooooo" → "so", "goooood" → "good": two letters
  are kept when the two-letter word is a common English word, else one);
- ambiguous short forms are changed only where the reading is clear:
  "ur" → "you're" before words like so/not/a/doing/amazing, else "your";
  "y" → "why" only at the start of a sentence or after "know", "idk", "wonder", "and", "but";
  "2" → "to" and "4" → "for" only between a word and one of a short list ("going 2 the park",
  "4 the advice"; "2 kids", "Room 2", "every 2 hrs" stay); "b" → "be" after would/gonna/to …;
  "w" → "with" before a lower-case word; "hv" → "health visitor" in capitals, after my/the/a or
  before visit/said/came …, else "have"; dropped g's only for a list ("doin", "cryin");
  "k" → "okay" only as a whole sentence;
  "r" and "v" only in lower case before a lower-case word ("r u ok", "v tired"), "n" only
  between two lower-case words ("me n him"); "u" and "U" → "you" ("Man U" stays: a capitalised word before it);
  "im" → "I'm" (but "IM", an injection, stays); "cant", "wont", "dont" → "can't", "won't", "don't"
  (in these chats the rare words "cant" and "wont" are almost never meant);
- first person only for self-harm short forms: "kms" → "kill myself"; "kys" (said to someone
  else) is left as written; "unalive" → "kill".
"lol", "lmao", "xx", numbers ("2 kids", "Room 2") and "gonna"/"wanna" are kept.

The safety net never reads this output: it keeps reading the member's own words.
"""

from __future__ import annotations

import re
from itertools import product


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Always rewritten (matched case-insensitively on the whole word).
_WORDS: dict[str, str] = {
    # time
    "rn": "right now", "atm": "at the moment", "2nite": "tonight", "2night": "tonight", "2nyt": "tonight",
    "tonite": "tonight", "nite": "night", "2day": "today", "2moro": "tomorrow", "2morro": "tomorrow",
    "2morrow": "tomorrow", "2mrw": "tomorrow", "tmrw": "tomorrow", "tmw": "tomorrow", "tomoz": "tomorrow",
    "wkend": "weekend", "wknd": "weekend", "b4": "before", "l8r": "later", "l8": "late", "4ever": "forever",
    "evry": "every",
    # chat abbreviations
    "pls": "please", "plz": "please", "plse": "please", "pleez": "please", "ngl": "not gonna lie",
    "tbh": "to be honest", "tbf": "to be fair", "idk": "I don't know", "dunno": "don't know",
    "idc": "I don't care", "ik": "I know", "ikr": "I know right", "imo": "in my opinion",
    "imho": "in my opinion", "cba": "can't be bothered", "omg": "oh my god", "omfg": "oh my god",
    "btw": "by the way", "ofc": "of course", "obvs": "obviously", "probs": "probably", "irl": "in real life",
    "jk": "just kidding", "nvm": "never mind", "hbu": "how about you", "wbu": "what about you",
    "thx": "thanks", "thnx": "thanks", "thanx": "thanks", "ty": "thank you", "np": "no problem",
    "kk": "okay", "gr8": "great", "m8": "mate", "smth": "something", "sth": "something",
    "smthg": "something", "sumthin": "something", "somethin": "something", "nuthin": "nothing",
    "nothin": "nothing", "anythin": "anything", "evrything": "everything", "everythin": "everything",
    "bc": "because", "bcos": "because", "bcoz": "because", "bcuz": "because", "becoz": "because",
    "becuz": "because", "cuz": "because", "coz": "because", "cos": "because", "tho": "though",
    "altho": "although", "thru": "through", "ppl": "people", "msg": "message", "msgs": "messages",
    "abt": "about", "wiv": "with", "wen": "when", "wat": "what", "wot": "what", "luv": "love",
    "gud": "good", "hav": "have", "bby": "baby", "gn": "good night", "rly": "really", "abit": "a bit",
    "yday": "yesterday", "kno": "know", "betr": "better", "betta": "better", "hrs": "hours", "wks": "weeks",
    "def": "definitely", "defo": "definitely", "deffo": "definitely", "2gether": "together",
    # people
    "every1": "everyone", "evry1": "everyone", "any1": "anyone", "some1": "someone", "sum1": "someone",
    "no1": "no one", "ppd": "postpartum depression", "pnd": "postnatal depression",
    "ppp": "postpartum psychosis", "ppa": "postpartum anxiety",
    "dh": "husband", "dp": "partner", "ds": "son", "dd": "daughter",
    # modal verbs and contractions written without the apostrophe
    "wud": "would", "wld": "would", "cud": "could", "cld": "could", "shud": "should", "shld": "should",
    "wont": "won't", "cant": "can't", "dont": "don't", "didnt": "didn't", "doesnt": "doesn't",
    "isnt": "isn't", "wasnt": "wasn't", "arent": "aren't", "werent": "weren't", "couldnt": "couldn't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "havent": "haven't", "hasnt": "hasn't",
    "hadnt": "hadn't", "ive": "I've", "youre": "you're", "theyre": "they're", "thats": "that's",
    "whats": "what's", "theres": "there's", "shes": "she's", "wouldve": "would've",
    "couldve": "could've", "shouldve": "should've", "ya": "you", "urself": "yourself",
    # first person self-harm short forms only
    "kms": "kill myself", "unalive": "kill", "unalived": "killed", "unaliving": "killing",
    "sewerslide": "suicide",
}
# Dropped g's, written out ("doin" → "doing"); only these words, since "cousin" and "Robin" end so too.
_WORDS.update({stem + "in": stem + "ing" for stem in sorted(_set(
    "do go try cry feel look sleep wak hav mak tak gett sitt stopp start talk walk eat cook tell see be com "
    "struggl kill hurt wonder stand smil root googl want need think fall ly stay plann shak writ"))})
# Rewritten only in lower case or Capitalised (their ALL-CAPS forms mean other things: an IM
# injection, an RN, an ATM, British Columbia …).
_NOT_CAPS = {"im": "I'm", "u": "you"}
_KEEP_IN_CAPS = frozenset({"rn", "atm", "bc", "cos", "ty", "np", "gn", "ik", "jk", "ya"})
# Acronyms: written out in lower case whatever their case ("PND" → "postnatal depression").
_ACRONYMS = frozenset({"ppd", "pnd", "ppp", "ppa", "dh", "dp", "ds", "dd"})
_UR_YOU_ARE_BEFORE = _set(
    "so not a an the doing going gonna being right amazing strong brave ok okay fine still really such very "
    "too all always never just allowed welcome lovely kind beautiful great good doing gorgeous here there "
    "only literally honestly definitely completely totally absolutely def defo deffo doin goin killin makin "
    "rockin smashin rocking smashing")
_DETERMINERS = _set("the my our a your her their his")
_HV_NEXT = _set("visit visits visited appointment came comes coming said says asked told is was has had")
_TO_FOR_NEXT = {
    "2": _set("the a an my your ur his her our their me him them us it be b do go get have sleep bed talk tell "
              "see say make take cope feed eat call work school hospital keep kill end hurt die stop help find "
              "try feel think know bother deal u"),
    "4": _set("the a you u me him her us them this that it my your ur ages ever now sure real being everything "
              "nothing all everyone"),
}
_BE_AFTER = _set("would could should will won't to gonna not can't might must wanna may cant wont i'll it'll "
                 "ill never")
_WHY_AFTER = _set("know idk wonder and but that's thats is dunno ask asking asked")
# Two-letter forms kept when a letter is repeated three or more times ("goooood" → "good").
_DOUBLES = _set(
    "good too soon need needs feel feels feeling sleep sleepy see seen been keep free week weeks all well "
    "still will ill full off stuff really totally cool poo wee loo boo food mood hell tell fell sorry happy "
    "crappy call small feed feeds bless stress less mess miss kiss guess little cuddle cuddles "
    "shh hmm mmm hello bitty tummy mummy mommy mammy daddy silly funny poop boobs boob tired "
    "apple coffee hurrah aww ahh ohh oops")
_REPEAT = re.compile(r"([a-wyzA-WYZ])\1{2,}")
_PROTECTED = re.compile(
    r"https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+|<[@#:a-zA-Z!&][^>\s]*>|`[^`]*`")
_WITH = re.compile(r"(?<![\w/:.])([Ww])/([Oo](?:ut)?|[Ee](?:nd)?)?(?![\w/])|(?<![\w/:.])([Ww])/(?=[A-Za-z])")
_WITH_TAILS = {"": "with", "o": "without", "out": "without", "e": "whatever", "end": "weekend"}
_TOKEN = re.compile(r"(?<![\w'&@#/\-])(?<!\w\.)[A-Za-z0-9]+(?![\w&/\-]|'(?!s\b)|\.\w)")
_SENTENCE_START = re.compile(r"(?:^|[.!?\n])\s*$")


def normalise(text: str) -> str:
    """text with chat spellings written out (see the module docstring); idempotent."""
    text = text.replace("’", "'")
    out: list[str] = []
    at = 0
    for match in _PROTECTED.finditer(text):
        out.append(_plain(text[at:match.start()]))
        out.append(match.group())
        at = match.end()
    out.append(_plain(text[at:]))
    return "".join(out)


def _plain(text: str) -> str:
    text = _WITH.sub(_with, text)
    for _ in range(3):  # a word's neighbours decide some rewrites ("wud b", "2 b"): read the rewritten ones
        rewritten = _TOKEN.sub(lambda m, text=text: _word(m, text), text)  # type: ignore[misc]
        if rewritten == text:
            break
        text = rewritten
    return text


def _with(match: re.Match[str]) -> str:
    w = match.group(1) or match.group(3)
    tail = (match.group(2) or "").lower()
    word = _WITH_TAILS[tail]
    word = word.capitalize() if w == "W" else word
    return word if match.group(1) else word + " "


def _word(match: re.Match[str], text: str) -> str:
    word = _collapse(match.group())
    lower = word.lower()
    before = text[max(0, match.start() - 80):match.start()]  # enough for the neighbouring words
    after = text[match.end():match.end() + 80]
    previous = re.search(r"(\S+)\s+$", before)
    following = re.match(r"\s+([A-Za-z']+)", after)
    prev_word = previous.group(1) if previous else ""
    next_word = following.group(1) if following else ""
    starts = bool(_SENTENCE_START.search(before))
    next_lower = next_word[:1].islower()
    if lower in ("r", "v") and word.islower() and next_lower and (starts or prev_word[-1:].islower()):
        return {"r": "are", "v": "very"}[lower]
    if word == "n" and next_lower and prev_word[-1:].islower():
        return "and"
    if lower == "y" and _SENTENCE_START.search(before) and next_word:
        return _cased("why", word)
    if lower == "k" and _SENTENCE_START.search(before) and not re.match(r"\s*[A-Za-z0-9]", after):
        return _cased("okay", word)
    if lower == "hv":  # "HV", "my hv", "hv visit" are the health visitor; "i hv to" is "have"
        visitor = word.isupper() or prev_word.lower() in _DETERMINERS or next_word.lower() in _HV_NEXT
        return "health visitor" if visitor else "have"
    if word in ("2", "4") and prev_word[-1:].isalpha() and next_word.lower() in _TO_FOR_NEXT[word]:
        return {"2": "to", "4": "for"}[word]  # "going 2 the park", "4 the advice"; "2 kids" stays
    if word == "b" and next_word[:1].islower() and _WORDS.get(prev_word.lower(), prev_word.lower()) in _BE_AFTER:
        return "be"
    if word == "w" and next_word[:1].islower():
        return "with"
    if lower == "y" and next_word and prev_word.lower() in _WHY_AFTER:
        return "why"
    if lower == "ur":
        return _cased("you're" if next_word.lower() in _UR_YOU_ARE_BEFORE else "your", word)
    if lower in _NOT_CAPS:
        if word.isupper() and len(word) > 1:
            return word
        if word == "U" and prev_word[:1].isupper() and prev_word[1:].islower() and not _SENTENCE_START.search(before):
            return word  # "Man U"
        return _cased(_NOT_CAPS[lower], word)
    if lower in _WORDS and not (lower in _KEEP_IN_CAPS and word.isupper()):
        return _WORDS[lower] if lower in _ACRONYMS else _cased(_WORDS[lower], word)
    return word


def _cased(replacement: str, word: str) -> str:
    if replacement.startswith("I ") or replacement.startswith("I'"):
        return replacement.upper() if word.isupper() and len(word) > 1 else replacement
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _collapse(word: str) -> str:
    """Letters repeated three or more times down to one, or two where that makes a known word."""
    if not _REPEAT.search(word) or (word.isupper() and len(word) <= 3):
        return word
    runs = list(_REPEAT.finditer(word))
    if len(runs) > 4:
        return _REPEAT.sub(r"\1", word)
    candidates = []
    for counts in product((1, 2), repeat=len(runs)):
        pieces, at = [], 0
        for run, count in zip(runs, counts, strict=True):
            pieces.append(word[at:run.start()] + run.group(1) * count)
            at = run.end()
        candidates.append("".join(pieces) + word[at:])
    for candidate in candidates:  # all ones first
        if candidate.lower() in _WORDS or candidate.lower() in _NOT_CAPS:
            return candidate
    for candidate in candidates:
        if candidate.lower() in _DOUBLES:
            return candidate
    return candidates[0]
