"""Chat spellings written out before the model reads a post; words that only look like them stay."""


import pytest

from bot.core.framing.normalise import normalise

CHANGED = [
    ("got the pills out rn ngl", "got the pills out right now not gonna lie"),
    ("cant do this anymore gonna end it 2nite", "can't do this anymore gonna end it tonight"),
    ("pls help", "please help"),
    ("plz sum1 reply", "please someone reply"),
    ("tbh I'm fine", "to be honest I'm fine"),
    ("see u 2day", "see you today"),
    ("hv visit 2moro", "health visitor visit tomorrow"),
    ("appointment tmrw", "appointment tomorrow"),
    ("not gonna be here by the wkend", "not gonna be here by the weekend"),
    ("away this wknd", "away this weekend"),
    ("out 2night", "out tonight"),
    ("w/o my mum", "without my mum"),
    ("w/ my mum", "with my mum"),
    ("every1 else copes", "everyone else copes"),
    ("any1 around?", "anyone around?"),
    ("no1 cares", "no one cares"),
    ("it wud b easier", "it would be easier"),
    ("I cud try, I shud try", "I could try, I should try"),
    ("baby wont settle", "baby won't settle"),
    ("dont know", "don't know"),
    ("im so tired", "I'm so tired"),
    ("Im ok", "I'm ok"),
    ("ive had enough", "I've had enough"),
    ("idk what to do", "I don't know what to do"),
    ("Idk", "I don't know"),
    ("idc anymore", "I don't care anymore"),
    ("cba with today", "can't be bothered with today"),
    ("ur baby is gorgeous", "your baby is gorgeous"),
    ("ur so strong", "you're so strong"),
    ("r u ok hun", "are you ok hun"),
    ("y is she crying", "why is she crying"),
    ("b4 the feed", "before the feed"),
    ("gr8 news", "great news"),
    ("omg same", "oh my god same"),
    ("smth like that", "something like that"),
    ("cuz she's teething", "because she's teething"),
    ("coz I said so", "because I said so"),
    ("tired tho", "tired though"),
    ("got thru it", "got through it"),
    ("k", "okay"),
    ("kk thx", "okay thanks"),
    ("ppl say", "people say"),
    ("sorry for the long msg", "sorry for the long message"),
    ("wanna kms rn", "wanna kill myself right now"),
    ("sooooo tired", "so tired"),
    ("goooood morning", "good morning"),
    ("helllllp", "help"),
    ("NGL", "NOT GONNA LIE"),
    ("Ngl it's hard", "Not gonna lie it's hard"),
    ("my HV came", "my health visitor came"),
    ("PND is awful", "postnatal depression is awful"),
    ("going 2 the park", "going to the park"),
    ("thx 4 the advice", "thanks for the advice"),
    ("me n the baby", "me and the baby"),
    ("v tired today", "very tired today"),
    ("sat w the engine on", "sat with the engine on"),
    ("2nite's the night", "tonight's the night"),
    ("I’m doin ok", "I'm doing ok"),
    ("i want 2 unalive myself", "i want to kill myself"),
    ("see https://example.org/rn?u=1 pls", "see https://example.org/rn?u=1 please"),
]

UNCHANGED = [
    "I did a u-turn on the motorway",
    "I'm in Room 2 tonight",
    "listening to R&B while she naps",
    "she loves K-pop dance videos",
    "https://www.nhs.uk/ur/pls",
    "mail jo.bloggs@example.org",
    "<@123456789> thank you",
    "#tbh",
    "I have 2 kids and a dog",
    "every 2 hours, like clockwork",
    "our 2nd baby is due in May",
    "lol she's so funny",
    "lmao same xx",
    "kys",  # said to someone else: not written out as first person
    "Man U v Chelsea",
    "plan a, b or c",
    "vitamin K",
    "IM injection at the clinic",
    "I'm an RN",
    "my cousin Robin is visiting",
    "I can't, won't, don't",
    "`rn`",
    "",
]


@pytest.mark.parametrize(("text", "expected"), CHANGED)
def test_chat_spellings_are_written_out(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_words_that_only_look_like_chat_spellings_stay(text: str) -> None:
    assert normalise(text) == text


@pytest.mark.parametrize("text", [text for text, _ in CHANGED] + UNCHANGED)
def test_normalising_twice_changes_nothing_more(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


def test_a_long_or_odd_text_is_normalised_whole() -> None:
    # Its speed is measured by `bench classify`, not here: a timed test fails on a busy machine.
    assert normalise("a" * 20_000) == "a"
    assert normalise("ngl rn u " * 3_000) == "not gonna lie right now you " * 3_000
    for text in ("x@y" * 5_000, "<" * 20_000, "`" * 20_001):
        assert normalise(text) == text
