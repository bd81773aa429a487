"""Measure the crisis safety net on the development set and the training / held-out lines.

Run from the repository root:  python config/framing/dev/measure_net.py [--show]

Prints, for each development file, net fires on SAFE posts per kind and misses on CRISIS posts per
kind. All were written by other hands from the situations, not from the patterns. Tuned on:
net_dev.jsonl, net_dev_s8.jsonl (recovery stories, screening answers) and net_dev_s8c.jsonl
(negation, OCD education, exasperation and media); in session 9 net_dev_s8b.jsonl (long
recovery stories and screening answers: 29 -> 21 false fires of 76 with both rules) and
net_dev_s9.jsonl (150 recovery stories and screening answers: the screening-answer rule; first read
untuned, it measured the recovered-story change out of sample: recovery stories 26 -> 22 false
fires of 45, no crisis lost). Never tuned on: net_dev_fresh.jsonl, and net_dev_s9b.jsonl (120
screening answers, 50 of them crises, the out-of-sample check of the screening-answer rule: 35 ->
30 false fires of 70, no crisis lost), and net_dev_s9c.jsonl (110 recovery stories, 45 of them
crises, the out-of-sample check of the session-9 recovered-story changes: 29 -> 20 false fires of
65, no crisis lost). In session 10 the recovered-story rule was tuned on net_dev_s10.jsonl (169 posts
by another hand: recovery stories, screening answers, media, negation; 32 -> 22 false fires of 110)
and the files above, then checked on net_dev_s10b.jsonl (138 posts, written afterwards and never
tuned on: 31 -> 28 false fires of 88, recovery stories 24 -> 21 of 50), no crisis lost in any
file or split. In session 11 the recovered-story rule took more ways of dating a story ("that was
2021", "five winters ago", "three years clear", "well since", the child at school or grown) with
net_dev_s10b.jsonl as the development text (28 -> 18 false fires of 88), and the relapse markers
that cancel every exclusion took present risk told in a sentence the net has no pattern for ("an
hour ago", "i have a plan", "the same thoughts", "i'm in the car park", "i've written
letters"); checked on net_dev_s11.jsonl (130 posts by another hand, written afterwards and never
tuned on: 35 -> 34 false fires of 70, 21 -> 20 crises missed of 60), no crisis of any file or
split lost. Then the screening-answer rule took the question from the sentence before the
match and more answers ("answer: no", "so no", "not at all", "not once", "put 0"), tuned on
net_dev_s9b.jsonl (30 -> 23 false fires of 70); on net_dev_s10b.jsonl, never tuned on for it, no
change (5 of 24 answered questions still fire); no crisis lost. Posts near an independent-set
post (token Jaccard >= 0.5) were removed from the development files. In session 12 the time words
that reopen a recovered story ("again", "tonight", "still") count only in a sentence about her distress:
tuned on net_dev_s11.jsonl (34 -> 25 of 70), checked on net_dev_s12.jsonl (199 posts by another hand,
never tuned on: recovery stories 36 -> 28 false fires of 70, screening answers 10 of 50 unchanged), no
crisis lost in any file or split. Then the screening-answer rule took answers in brackets, after a
colon and "no to both", the question up to two sentences before, "yes to the anxiety ones" and "not
gonna lie" as no admission, and the time-word reading near the answer: tuned on net_dev_s12.jsonl
(screening answers 10 -> 6 of 50), checked on net_dev_s12b.jsonl (120 screening posts by another hand,
never tuned on: 24 -> 23 false fires of 75, no crisis lost), no crisis lost in any file or split. The
negations read from the train lines the net fired on ("zero thoughts of", "it's not that i want to",
"not in a ... way") were checked on net_dev_s12c.jsonl (120 negation posts by another hand, never tuned
on: 15 -> 10 false fires of 80; its one lost crisis was restored by the `unless` "it's that i'm
scared"), no crisis lost in any other file or split. net_dev_s12d.jsonl (110 recovery stories and
relapses by another hand, written at the end of session 12 and never tuned on) measures all of the
session's net changes together: 32 -> 25 false fires of 70, 12 -> 12 crises missed of 40. In session 13
the recovered-story rule read the child's age told any way ("hes 3 and", "she turned 3", "he's turning 6"),
time since ("3 yrs on", "it's been 2 years", "still here"), a past told in the next sentence ("...overdosed.
Happened in 2017"), "again and again", "never come back" and someone else's evening ("tonight he's at cubs")
as no relapse: tuned on net_dev_s12d.jsonl (25 -> 17 of 70) and net_dev_s13.jsonl (110 by another hand:
25 -> 16 of 70), checked on net_dev_s13b.jsonl (110 by a third hand, never tuned on: 20 -> 16 of 70,
14 -> 14 crises missed of 39), no crisis lost in any file or split. Later session-13 changes, each tuned on
the files named and checked on an untouched one: a sentence dated years back, time words about the reader,
more ways a story is over (net_dev_s12d 17 -> 14, net_dev_s13 16 -> 13, net_dev_s9c/s11/s12 -9; on
net_dev_s13b no further change, 16 of 70); a screening list answered at once ("any thoughts of harming
yourself? no.", "self harm: no") and a crisis word naming a question ("the suicide question"): tuned on
net_dev_s12b.jsonl (23 -> 10 of 75), checked on net_dev_s13c.jsonl (120 screening posts by another hand:
29 -> 22 of 75, 15 -> 15 crises missed of 45); media, OCD told as managed and "not scared of hurting him":
tuned on net_dev_s13d.jsonl (160 by another hand: 13 -> 5 of 109), checked on net_dev_s13e.jsonl (150 by
another hand: 10 -> 10 of 100). No crisis lost in any file or split. In session 14: a time word inside the
reported question, a form's options read out, "any thoughts of..." read from a list, more ways to say no, an
admission anywhere keeping every screening hit and screening exclusions lifted up to two sentences on: tuned on
net_dev_s13c.jsonl (22 -> 8 of 75) and net_dev_s14b.jsonl (120 by another hand: 16 -> 10 of 75), checked on
net_dev_s14d.jsonl (120 by a third hand, never tuned on: 15 -> 14 of 75, 19 -> 17 crises missed of 45); more ways
a story is over ("haven't had a suicidal thought", "discharged", "since i last", "none of the old stuff"): tuned on
net_dev_s14a.jsonl (120: 17 -> 10 of 75), no change on net_dev_s14e.jsonl (120 by another hand: 16 of 75) or
net_dev_s13b.jsonl (16 of 70); net_dev_s14c.jsonl (media, hyperbole, OCD, negation) was never tuned on (4 of 99).
Crises gained in six files, none lost. In session 16 two files were added by two more hands from the label
definitions alone and never tuned on: net_dev_s16a.jsonl (120 recovery stories and relapses: the net as it stood
fired on 28 of the 75 safe stories and missed 26 of the 45 crises) and net_dev_s16b.jsonl (117 screening answers:
12 of 75 and 21 of 42); the recovered-story rule does much less on a new hand's stories than on the files it was
tuned on. In session 17 the recovered-story rule read anniversaries ("2 yrs ago today", "a year since the
night i..."), "the winter she was born", "since i overdosed", "the last time was", "the doctors helped" and a
child starting school as a story told or over, and a bad day told against the old crisis ("not the old kind
where i wanted to be dead", "the wanting to be dead part is gone") as negation; the screening-answer rule took
"not currently", "keep pressing no", "she asked again" and "but i want to be here": tuned on net_dev_s16a.jsonl
(28 -> 15 of 75) and net_dev_s16b.jsonl (12 -> 7 of 75), no crisis lost in any file or split. Checked on
net_dev_s17a.jsonl (120 recovery stories and relapses) and net_dev_s17b.jsonl (117 screening answers), written
by two more hands from the label definitions alone during the session and never tuned on: 25 -> 24 false
fires of 75 and 12 -> 11 of 73, crises missed 23 of 45 and 8 of 44 unchanged. Lexical rules tuned on one
hand's stories transfer little to the next hand's. Then six crisis patterns read from the development
crises that neither the model nor the net found (harm thoughts she says are no longer OCD; a screening
question answered yes, told, quoted, with a nod or by its number, EPDS 10 / PHQ-9 9; logging off for good,
an appointment she "won't need", the life insurance papers; "looking up methods"), "the pull to end it", and
"it wasn't true" after a screening answer: the net finds 27 more development crises (3 of them in
net_dev_s17a/b, which they were not read from) and 2 more train lines; the deployed rule now misses 32 of
1,629 development crises, against 48; no new fire on a safe post in any file or split. Last, "took a
handful of" took medicines by name ("my sertraline"), read from a crisis in net_dev_s17b.jsonl that the
deployed rule missed (no other file changed). In session 19 the screening answer taken back ("they're not
passive anymore", "it's more than several days", "didn't use it yet") and a blade or razor beside her
("sat on the bathroom floor with a blade", not for shaving or crafts), read from three crises in
net_dev_s12b/s14b.jsonl: 8 more crises read across eight files, 2 more train lines, no new fire on a safe
post in any file or split; on net_dev_s19a/b.jsonl (297 posts by two more hands, written afterwards and
never tuned on) no change either way (45 of 104 crises read, 27 of 193 safe posts fired on). In session 20
a goodbye by a day in chat spelling ("not gonna be here by the wkend": "not going to" beside "won't", and
2nite / tmrw / wkend read as words) and "no way out except the one", read from two crises of
s20_dev_fresh_ab.jsonl (293 posts by two more hands) that neither the net nor the model found: 2 more crises
there, 1 more in net_dev.jsonl and 1 in s20_dev_plans.jsonl (258 posts by a third hand, never tuned on: 31 of
89 crises read, 2 of 169 safe posts fired on), 3 more train lines; no new fire on a safe post in any file or
split. Not kept: suicide told as a topic ("the piece on maternal suicide figures", "mums who died by suicide")
and more names for the news (a royal, a singer, a segment, the newspaper), tuned on the tv_news posts (5 fewer
false fires, no crisis lost); on s20_dev_tv_and_others.jsonl (120 posts about films, news and other people's
crises by another hand, written afterwards) it spared 3 of 16 false fires but lost a crisis ("that podcast
about maternal suicide ... i know exactly how i'd do it"). Last, three readings from development crises that
neither the net nor the model found: "checking out for good", "the first thing i thought was how i'd do it"
(not "no idea how i'd do it without my mum" or "differently next time") and a plan beside "its nearly
over": 4 more development crises (net_dev_s17a, s20_dev_fresh_ab, s20_dev_plans x2), 1 more train line, no
new fire on a safe post in any file or split. In session 23, readings from eleven crises of the session-21 to 23 check
files (config/framing/pending/) that neither the net nor the model found: a plan told calmly ("i know where, i know
how, i know when", "now i actually have a plan"), a practical question flagged by her ("not asking for a good
reason", "before anyone would find me"), an overdose told casually ("took everything in the cupboard", with tkn /
everythin / sum1 read as words) and harm to the baby in Scots (cannae, aboot, dae, wean, bairn; "it's no like the
ocd" and "i'd actually do it" lift the OCD-education exclusion): 15 more crises read across the development and
pending files and the train lines, no crisis lost and no new fire on a safe post in any file or split; checked on
two files by two more hands, written afterwards and never tuned on (297 posts, 125 crises): 25 -> 28 crises read,
6 -> 6 safe posts fired on. Later in session 23, from the check files that had served their rules (check_s23k to o):
an overdose told casually with how she feels or how long ago (suicide.overdose_told, with her tablets as
prescribed and side-effect questions excluded), someone she knows who has said goodbye and cannot be reached
(plan_or_goodbye.someone_elses_goodbye, unless the friend is fine, asleep, at work or on a flight), affairs in order
"so its easy for them after", "if i don't post tomorrow you'll know why", "enough so i dont wake up", "no one will
turn up when i do it", "not for swimming": no crisis lost and no new fire on a safe post in any file or split at each
step; checked on three more files written afterwards by new hands (check_s23m/n: 25 -> 30 crises read, 1 -> 1 safe
fire; check_s23o: 9 -> 18, 1 -> 1; check_s23p: 25 -> 26, 2 -> 2). Then crisis hits and
non-crisis fires on load_split("train") and load_split("heldout"). Only counts and pattern ids are
printed, never the training lines' text (--show prints the dev-set posts that fire or miss, which
are ours to read).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from bot.core.framing.examples import load_split
from bot.core.framing.safety_net import SafetyNet

DEV_FILES = tuple(Path(__file__).resolve().parent / name
                  for name in ("net_dev.jsonl", "net_dev_s8.jsonl", "net_dev_s8c.jsonl", "net_dev_fresh.jsonl",
                               "net_dev_s8b.jsonl", "net_dev_s9.jsonl", "net_dev_s9b.jsonl",
                               "net_dev_s9c.jsonl", "net_dev_s10.jsonl", "net_dev_s10b.jsonl",
                               "net_dev_s11.jsonl", "net_dev_s12.jsonl", "net_dev_s12b.jsonl", "net_dev_s12c.jsonl",
                               "net_dev_s12d.jsonl", "net_dev_s13.jsonl", "net_dev_s13b.jsonl", "net_dev_s13c.jsonl",
                               "net_dev_s13d.jsonl", "net_dev_s13e.jsonl", "net_dev_s14a.jsonl",
                               "net_dev_s14b.jsonl", "net_dev_s14c.jsonl", "net_dev_s14d.jsonl",
                               "net_dev_s14e.jsonl", "net_dev_s16a.jsonl", "net_dev_s16b.jsonl",
                               "net_dev_s17a.jsonl", "net_dev_s17b.jsonl", "net_dev_s19a.jsonl", "net_dev_s19b.jsonl",
                               "s20_dev_fresh_ab.jsonl", "s20_dev_plans.jsonl",
                               "s20_dev_tv_and_others.jsonl"))


def measure_dev(net: SafetyNet, path: Path, show: bool) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    totals: Counter[tuple[str, str]] = Counter()
    bad: Counter[tuple[str, str]] = Counter()
    for row in rows:
        key = (row["label"], row["kind"])
        totals[key] += 1
        fired = net.matches(row["text"])
        if fired != (row["label"] == "crisis"):
            bad[key] += 1
            if show:
                ids = [h.pattern_id for h in net.check(row["text"])]
                print(f"  [{row['label']}/{row['kind']}] {row['text']!r} {ids}")
    for label, what in (("safe", "fires on safe"), ("crisis", "misses on crisis")):
        keys = sorted(k for k in totals if k[0] == label)
        n = sum(totals[k] for k in keys)
        b = sum(bad[k] for k in keys)
        print(f"{path.stem} {what}: {b}/{n}  " + "  ".join(f"{k[1]}={bad[k]}/{totals[k]}" for k in keys))


def main(show: bool = False) -> None:
    net = SafetyNet.from_file()
    for dev in DEV_FILES:
        measure_dev(net, dev, show)
    for split in ("train", "heldout"):
        examples = load_split(split)
        crisis = [e for e in examples if e.label == "crisis"]
        other = [e for e in examples if e.label != "crisis"]
        hits = sum(net.matches(e.text) for e in crisis)
        fired_ids: Counter[str] = Counter()
        fires = 0
        for e in other:
            found = net.check(e.text)
            if found:
                fires += 1
                fired_ids.update(h.pattern_id for h in found)
        print(f"{split}: crisis hits {hits}/{len(crisis)}; non-crisis fires {fires}/{len(other)} "
              f"{dict(fired_ids.most_common())}")


if __name__ == "__main__":
    main(show="--show" in sys.argv)
