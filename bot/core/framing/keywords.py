"""A hand-written keyword baseline, to show what the model adds (eval-classifier prints both).

First label whose keyword appears (lower-cased substring) wins, in the order below; no keyword:
neutral.
"""

from __future__ import annotations

KEYWORDS: dict[str, tuple[str, ...]] = {
    "crisis": ("kill myself", "suicid", "end it", "want to die", "better off without me", "hurt myself",
               "self harm", "self-harm", "hurt the baby", "hurt him", "hurt her", "not be here", "overdose",
               "goodbye", "end my life", "wake up", "voices"),
    "common_humanity": ("me too", "you're not alone", "you are not alone", "not the only one", "we all",
                        "so many of us", "same here", "been there", "all in this together", "normal to"),
    "upward_comparison": ("everyone else", "other mums", "other mothers", "all the other", "everyone seems",
                          "so much better", "why can't i", "perfect", "behind", "compared to"),
    "downward_comparison": ("at least i", "at least my", "worse than me", "could be worse", "lucky",
                            "not as bad", "shouldn't complain", "no right to", "others have it"),
    "isolation": ("alone", "lonely", "no one", "nobody", "invisible", "ashamed", "isolated", "no friends",
                  "by myself", "on my own"),
}


def keyword_label(text: str) -> str:
    lowered = text.lower()
    for label, words in KEYWORDS.items():
        if any(word in lowered for word in words):
            return label
    return "neutral"
