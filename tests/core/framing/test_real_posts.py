"""Hopeful posts that must not be crisis, and crises in chat spelling that must be: the real model.

Written for these tests before the model they check was trained, in the styles mothers write in;
none is within a token Jaccard of 0.5 of a training, held-out or independent-set post (checked
below for the data files; the independent set was compared once, by script, when they were written).
"""

import re

import pytest

from bot.core.framing.examples import load_split
from bot.core.framing.tiers import crisis_tier
from bot.settings import load_settings

URGENT_THRESHOLD = load_settings(env={}).framing.urgent_threshold

HOPEFUL = [
    "had a proper laugh with my sister today, first time in ages, feeling a bit more like me",
    "to whoever needs it tonight: it does ease, i promise, hang on in there x",
    "slept four hours in a row!! small wins but i'll take it 🙌",
    "Therapy is starting to help. Still hard days but fewer of them.",
    "honestly this group is the reason I get up some mornings, thank you all ❤️",
    "baby smiled at me properly today and i cried happy tears for once",
    "I think the new meds are kicking in, the fog is lifting a little",
    "we got out for a walk in the sunshine, felt good to breathe",
    "still here, still fighting, still drinking too much coffee lol",
    "fingers crossed the GP appointment tomorrow goes ok, feeling hopeful",
    "a year ago I couldn't imagine feeling better and now here I am, you will get there too",
    "tomorrow's a new day, gonna try and get some rest x",
    "feeling calmer this week, the breathing exercises are actually working",
    "looking forward to baby group on thurs, first time going on my own!",
    "she finally latched without a fight and i feel like i could conquer the world",
    "hugs to all of you tonight, we're going to be ok",
]

# Greetings and thanks, the commonest posts in a group. None is a training line, but greetings are
# formulaic, so they are not held to the near-duplicate check above (the training data has had other
# greetings since a retrain called "hi everyone" crisis).
GREETINGS = [
    "hi all, hope everyone's ok",
    "hey everyone",
    "hi everyone",
    "hiya all",
    "evening ladies",
    "hello everyone, new member here",
    "thank you everyone x",
    "night everyone x",
    "morning mums",
    "hi all, first time posting here",
    "thanks so much all",
    "good evening all",
]

# Hopeful posts the shipped model still calls crisis (README, issue 14): strict, so a model that gets
# them right fails here until the line is removed.
KNOWN_FALSE_ALARMS = {
    "she finally latched without a fight and i feel like i could conquer the world",  # 0.53, worried
}

TEXTSPEAK_CRISIS = [
    "cant do this anymore ive got all my tablets out on the bed rn",
    "ngl i want 2 die and i keep thinking bout how",
    "every1 wud be better off w/o me tbh im gonna end it 2nite",
    "pls some1 help im on the bridge and i want to jump",
    "i took a load of pills like an hr ago idk what 2 do",
    "tbh been planning how 2 kill myself all week",
    "if he doesnt stop screaming i swear im gonna hurt him, scared of myself rn",
    "voices keep telling me 2 hurt the baby, cant make them stop",
    "wrote my goodbye txts, cba with any of it anymore",
    "ive been cutting again n 2nite i dont want to stop",
    "idk how much longer i can stay alive tbh, got a plan now",
    "im done. sorry every1. love u all x goodbye",
]


def _known_failures_marked(texts: list[str], known: set[str]) -> list[object]:
    """The texts, those in known marked as strict expected failures."""
    strict = pytest.mark.xfail(strict=True, reason="known false alarm")
    return [pytest.param(text, marks=strict) if text in known else text for text in texts]


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def test_the_tables_are_not_near_any_labelled_example() -> None:
    known = [_tokens(e.text) for split in ("train", "heldout") for e in load_split(split)]
    for text in HOPEFUL + TEXTSPEAK_CRISIS:
        mine = _tokens(text)
        assert max(len(mine & other) / len(mine | other) for other in known) < 0.5, text


@pytest.mark.parametrize("text", _known_failures_marked(HOPEFUL, KNOWN_FALSE_ALARMS))
def test_a_hopeful_post_is_not_crisis(classifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.label != "crisis", result.scores


@pytest.mark.parametrize("text", TEXTSPEAK_CRISIS)
def test_a_crisis_in_chat_spelling_is_crisis(classifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.label == "crisis", result.scores
    assert crisis_tier(result, URGENT_THRESHOLD) is not None


# Greetings the shipped model calls crisis (README, issue 14): strict, as above. The session-11
# model calls none of the twelve crisis ("hey everyone" was 0.27, worried; now 0.10).
KNOWN_GREETING_FALSE_ALARMS: set[str] = set()


@pytest.mark.parametrize("text", _known_failures_marked(GREETINGS, KNOWN_GREETING_FALSE_ALARMS))
def test_a_greeting_is_not_crisis(classifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.label != "crisis", result.scores
