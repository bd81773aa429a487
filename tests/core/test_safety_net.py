"""Crisis safety net: recall on crisis wording, silence on idioms, negations and resolved past."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.framing.safety_net import CATEGORIES, SafetyNet, SafetyNetHit, normalise, overdose_taken

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "config" / "framing" / "safety_net.toml"

ORDINARY_POST = (
    "Hi all, quick update from us. The little one had her jabs on Tuesday and was grumpy for a day "
    "but she's back to her smiley self. My partner took Friday off so I got a lie-in, which felt "
    "amazing. We tried the baby group at the library again and it was nice to chat to other mums. "
    "Still struggling with the evening cluster feeds though, and the washing pile is out of control. "
)


@pytest.fixture(scope="module")
def net() -> SafetyNet:
    return SafetyNet.from_file(DATA)


# (text, expected category) - each must be caught, and by a pattern of that category.
CRISIS = [
    # suicide, direct
    ("I want to kill myself", "suicide"),
    ("I've been thinking about suicide a lot", "suicide"),
    ("I feel suicidal tonight", "suicide"),
    ("i'm going to end my life", "suicide"),
    ("I just want to end it all", "suicide"),
    ("I'm planning to end it", "suicide"),
    ("I want to take my own life", "suicide"),
    ("I tried to kill myself when she was 3 weeks old", "suicide"),
    ("I keep thinking about jumping off the bridge near our house", "suicide"),
    ("sometimes I think about stepping in front of a train", "suicide"),
    ("I want to drive my car into a wall", "suicide"),
    ("I'm going to take an overdose", "suicide"),
    ("thinking about taking all my pills at once", "suicide"),
    ("how many sertraline would it take to die", "suicide"),
    ("I rang the samaritans last night because I couldn't stop crying", "suicide"),
    ("I want to hang myself", "suicide"),
    # passive death wish
    ("I want to die", "passive_death_wish"),
    ("I don't want to be here anymore", "passive_death_wish"),
    ("I don't want to be alive", "passive_death_wish"),
    ("I'm not sure I want to be alive", "passive_death_wish"),
    ("honestly not sure if i want to live", "passive_death_wish"),
    ("I wish I was dead", "passive_death_wish"),
    ("I wish I could go to sleep and never wake up", "passive_death_wish"),
    ("I want to fall asleep and not wake up", "passive_death_wish"),
    ("everyone would be better off without me", "passive_death_wish"),
    ("my baby would be better off without me", "passive_death_wish"),
    ("I'd be better off dead", "passive_death_wish"),
    ("there's no point in living", "passive_death_wish"),
    ("I have nothing to live for", "passive_death_wish"),
    ("I'm tired of living", "passive_death_wish"),
    ("I'd rather be dead", "passive_death_wish"),
    ("I wish I'd never been born", "passive_death_wish"),
    ("nobody would miss me if I was gone", "passive_death_wish"),
    ("I can't go on living like this", "passive_death_wish"),
    ("I don't deserve to live", "passive_death_wish"),
    ("I hope I don't wake up tomorrow", "passive_death_wish"),
    ("I'm not actively suicidal but I think about dying every day", "passive_death_wish"),
    # plan or goodbye
    ("I have a plan to end my life", "plan_or_goodbye"),
    ("I've been stockpiling my tablets", "plan_or_goodbye"),
    ("I wrote a suicide note", "plan_or_goodbye"),
    ("This is my goodbye. Thank you all", "plan_or_goodbye"),
    ("just wanted to say goodbye", "plan_or_goodbye"),
    ("please look after my baby when I'm gone", "plan_or_goodbye"),
    ("I won't be here much longer", "plan_or_goodbye"),
    ("tell my daughter I loved her", "plan_or_goodbye"),
    ("by the time you read this it will be over", "plan_or_goodbye"),
    ("I'm standing on the bridge", "plan_or_goodbye"),
    # self-harm
    ("I cut myself again last night", "self_harm"),
    ("I've started self harming again", "self_harm"),
    ("the urge to cut is so strong", "self_harm"),
    ("I keep hurting myself when the baby sleeps", "self_harm"),
    ("I burned my arm with a lighter on purpose", "self_harm"),
    ("relapsed on sh after 2 years", "self_harm"),
    ("I've been scratching my skin until it bleeds", "self_harm"),
    # harm to baby
    ("I keep having thoughts of hurting my baby", "harm_to_baby"),
    ("I'm scared I'll hurt him", "harm_to_baby"),
    ("I'm terrified I might smother her", "harm_to_baby"),
    ("I wanted to shake him so he'd stop screaming", "harm_to_baby"),
    ("I keep picturing drowning her in the bath", "harm_to_baby"),
    ("I feel like I could kill my baby", "harm_to_baby"),
    ("I had an urge to throw him down the stairs", "harm_to_baby"),
    ("I came close to hitting her today", "harm_to_baby"),
    # psychosis
    ("I hear voices telling me to hurt the baby", "psychosis"),
    ("the voices are telling me to do things", "psychosis"),
    ("I think my baby is possessed", "psychosis"),
    ("the baby is evil", "psychosis"),
    ("I'm convinced she's not my real baby", "psychosis"),
    ("they swapped my baby at the hospital with someone else's", "psychosis"),
    ("haven't slept in 4 days and my thoughts are racing", "psychosis"),
    ("No sleep for three nights. My mind won't stop racing and everything has hidden meanings", "psychosis"),
    ("the TV is sending me messages", "psychosis"),
    # text-speak, typos, formatting
    ("kms", "suicide"),
    ("ngl i wanna kms", "suicide"),
    ("i want to unalive myself", "suicide"),
    ("thinking about sewerslide", "suicide"),
    ("i feel so sucidal", "suicide"),
    ("i dont wanna be here anymore", "passive_death_wish"),
    ("dont want to live anymore tbh", "passive_death_wish"),
    ("i want 2 die", "passive_death_wish"),
    ("I WANT TO DIIIIE", "passive_death_wish"),
    ("I’m so done, I don’t want to be here any more", "passive_death_wish"),
    ("||i want to die||", "passive_death_wish"),
    ("i want to *kill myself*", "suicide"),
    ("k1ll myself", "suicide"),
    ("I'm scared I'll hurt my lo", "harm_to_baby"),
    # crisis inside an ordinary post; mixed with negations, idioms and humour
    (ORDINARY_POST + "Honestly some nights I just want to die.", "passive_death_wish"),
    (ORDINARY_POST * 3 + "I've been cutting my arms again.", "self_harm"),
    ("I'm not suicidal but I want to die", "passive_death_wish"),
    ("I would never hurt him. But I keep having thoughts of hurting him.", "harm_to_baby"),
    ("Teething is killing me lol. Honestly I want to kill myself.", "suicide"),
    (
        "Last year I had suicidal thoughts but now I'm doing better. Except tonight I want to die.",
        "passive_death_wish",
    ),
    ("After my first I was suicidal and got help, but lately the thoughts are back and I feel suicidal", "suicide"),
    ("My sister was suicidal after her baby and so am I", "suicide"),
    ("I'm dying to see the baby smile. I don't want to be here anymore though", "passive_death_wish"),
    ("I want to die lol", "passive_death_wish"),
    # more phrasings found while tuning
    ("Part of me wants to die", "passive_death_wish"),
    ("it'd be easier for everyone if I was dead", "passive_death_wish"),
    ("if I died tomorrow nobody would care", "passive_death_wish"),
    ("I hope I get hit by a car", "passive_death_wish"),
    ("death would be a relief", "passive_death_wish"),
    ("I can't see a way out except dying", "passive_death_wish"),
    ("i just want it all to end", "passive_death_wish"),
    ("I feel like ending it", "suicide"),
    ("I took a bunch of pills", "suicide"),
    ("I googled how to overdose", "plan_or_goodbye"),
    ("I have the pills ready", "plan_or_goodbye"),
    ("what if I drown him", "harm_to_baby"),
    ("I don't trust myself with the baby", "harm_to_baby"),
    ("I'm going to hurt the baby", "harm_to_baby"),
    ("The baby isn't mine, they swapped her", "psychosis"),
    ("Someone is watching me through the baby monitor", "psychosis"),
    ("I'm hearing things that aren't there", "psychosis"),
    ("I think god wants me to hurt my baby", "psychosis"),
    # EPDS item 10 above 0, and the top of a multi-storey (fresh development text, session 8)
    ("scored a 2 on question 10 again", "self_harm"),
    ("q10 - 3, the rest were all 2s", "self_harm"),
    ("i'm sat at the top of the multi-storey and i don't want to go home", "plan_or_goodbye"),
    # other languages (nice to have)
    ("quiero morir", "passive_death_wish"),
    ("je veux mourir", "passive_death_wish"),
    ("ich will nicht mehr leben", "passive_death_wish"),
]

NOT_CRISIS = [
    # idioms
    "I could kill for a coffee right now",
    "This teething is killing me",
    "these sleep regressions are killing me",
    "the laundry is literally killing me",
    "I'm dying to know how everyone else manages",
    "I'm dead 😂",
    "she pulled the funniest face, I'm dead lol",
    "this chocolate cake is to die for",
    "her new haircut is drop dead gorgeous",
    "can you kill the lights on your way out",
    "shoot me now lol the baby has discovered screaming",
    "kill me now haha, 4 hours of cluster feeding",
    "that DJ absolutely murdered my favourite playlist",
    "I'm killing myself trying to keep the house tidy",
    "I nearly died laughing when he sneezed",
    "I wanted to die of embarrassment when she screamed in the shop",
    "I'd rather die than go to another soft play",
    "I'm dead tired",
    "dead on my feet today",
    "killing it at work since going back",
    "my baby is possessed lol, up every hour",
    "I'll sleep when I'm dead haha",
    "I'd die for my baby",
    "I smother him in kisses every morning",
    "I keep drowning myself in coffee",
    "I'm going to dye my hair purple",
    # negations
    "I would never hurt him",
    "I'd never harm my baby, I just feel so low",
    "I'm not suicidal, just exhausted",
    "I'm not suicidal",
    "no thoughts of harming myself or the baby",
    "The midwife asked and I said no, I don't have any thoughts of hurting myself",
    "I don't want to die, I just want to sleep",
    "haven't self harmed in two years and I'm proud of it",
    "I've never felt suicidal, just numb",
    "I can't imagine ever hurting her",
    # resolved past
    "Last year I had suicidal thoughts but now I'm doing better",
    "After my first baby I was suicidal, but this time I'm on the right meds and doing well",
    "Years ago I used to self harm but I'm in a good place now",
    # practical talk, medical, ordinary injuries
    "I overdid the coffee today",
    "she's overdue by a week",
    "my cut healed after the c-section",
    "the surgeon had to cut my stomach open for the section",
    "I cut myself shaving my legs",
    "I burnt myself on the oven",
    "I hurt myself lifting the car seat",
    "is it safe to take paracetamol while breastfeeding?",
    "is it easy to accidentally overdose on paracetamol while breastfeeding?",
    "am I poisoning my baby with sertraline through my breast milk?",
    "I'm scared I'll drop her when I'm this tired",
    "the cat scratched my arm",
    # distress that is not crisis (left to the model)
    "I feel like such a failure as a mum",
    "I can't do this anymore, I'm so tired",
    "I feel nothing for him and I hate myself for it",
    "I just want to disappear under a blanket for a week",
    "I haven't slept in 3 days because of teething",
    "I don't want to be here at this baby group, everyone seems so perfect",
    "I don't want to go on holiday this year",
    # other people's stories, bereavement
    "my friend's sister took her own life last year",
    "my cousin died by suicide when we were teenagers",
    "it's suicide prevention week, sharing the resources",
    # leaving the group
    "just wanted to say goodbye, I'm leaving the server because I'm doing so much better",
    "bye everyone, see you tomorrow!",
    "I said goodbye to breastfeeding this week",
    "I'm taking her with me to the shops",
    "I switched the baby to formula",
    "I changed the baby and fed him",
    # false alarms found while tuning
    "My psychiatrist asked if I hear voices, I said no",
    "I used to cut myself as a teenager, so my midwife is keeping an eye on me",
    "I was put on suicide watch years ago, I'm doing much better now",
    "I feel like dying of this cold lol",
    "I'm going to end it with my boyfriend",
    "I took my life into my own hands and quit my job",
    "i'm going to kill my husband if he snores again lol",
    "I'll hit him up later about the pram",
    "I could shake him awake but he needs the sleep",
    "I could hurt him by accident when I trim his nails, so scary",
    "They switched him to a bigger cot",
    "we're better off gone before the traffic",
    "I'm scared I'll hurt her feelings",
    "I could sleep forever",
    # hard negatives added with the fine-tuned model (issue 4, third pass)
    "this teething is killing us both",
    "kill me now, the pram won't fold again",
    "overdosed on coffee again, my hands are shaking ☕",
    "the health visitor asked the self-harm ones at the 6 week check, is that normal?",
    "the 'what if I drop her' flashes are so common, loads of us get them",
    "scored 0 on question 10, it's the anxiety ones that were high",
    "parked at the top of the multi storey because the lifts were broken lol",
]


# Wider coverage (issue 4): indirect wording. Written for the tests, not taken from the data files.
CRISIS_INDIRECT = [
    # session 23: calm plans, practical questions that give a plan away, a casual overdose, Scots
    ("honestly i'm calm about it now. i know where and i know when", "plan_or_goodbye"),
    ("i know how, i know where, i know when. just waiting for him to go on nights", "plan_or_goodbye"),
    ("was doing so well but its back and this time i actually have a plan", "plan_or_goodbye"),
    ("how long is it usually before someone would find me if i went to the woods", "plan_or_goodbye"),
    ("which bridge near the ring road is highest? not asking for a good reason", "plan_or_goodbye"),
    ("took everything from the medicine cabinet about an hour ago, feel sleepy", "suicide"),
    ("tkn evrythin in the bathroom cabinet. sorry every1", "suicide"),
    ("cannae stop thinkin aboot hurtin ma wean, no like the ocd, i'd actually dae it", "harm_to_baby"),
    # session 23: an overdose told casually, with how she feels or how long ago
    ("took all my citalopram about 15 mins ago, feeling really floaty now", "suicide"),
    ("swallowed the lot with a can of cider. everythings going a bit fuzzy", "suicide"),
    ("necked the full box of co-codamol, cant feel my fingers, sorry", "suicide"),
    ("took too many on purpose this time. hands shaking", "suicide"),
    ("the zopiclone and a bottle of wine. going to lie down now", "suicide"),
    # session 23: someone she knows has said goodbye and cannot be reached
    ("my cousin just texted 'tell my mum im sorry' and her phone's dead now", "plan_or_goodbye"),
    # session 24: the same, told with other people, dangers and silences
    ("my pal sent a photo of a pile of tablets an hour ago and then went offline", "plan_or_goodbye"),
    ("bff messaged 'love u always' and now it just rings out. shes 6 wks pp", "plan_or_goodbye"),
    ("twin sister says shes took a load of her meds and now her line went dead", "plan_or_goodbye"),
    ("one of the mums from this server sent 'thanks for everything', offline now, cant get her", "plan_or_goodbye"),
    ("my sister in law said shes going to the bridge to end it and her phone is off", "plan_or_goodbye"),
    ("flatmate left a note saying mummy's sorry and her car's gone, she's not answering", "plan_or_goodbye"),
    ("cousin sent the password to her phone and a photo of empty paracetamol packets. nothing back", "plan_or_goodbye"),
    ("a mum from baby group posted 'this is the end, sorry' and isnt answering anyone", "plan_or_goodbye"),
    ("sister in law messaged that shes taken them all and now nothing, im 30 mins away", "plan_or_goodbye"),
    # session 23: affairs in order, and a practical question that gives a plan away
    ("bank details and passwords in the blue folder, just so its easy for them after", "plan_or_goodbye"),
    ("if i don't post tomorrow you'll know why. love you all", "plan_or_goodbye"),
    ("can i get two boxes from different chemists? need enough so i dont wake up", "plan_or_goodbye"),
    # session 20: a goodbye in chat spelling, and the one way out
    ("not gonna be here by the wkend. thx 4 everything ppl, ur all amazing", "plan_or_goodbye"),
    ("i'm not going to be around by tmrw. look after each other", "plan_or_goodbye"),
    ("i can't see any way out except the one", "passive_death_wish"),
    ("thank u for the 3am chats. im checking out for good, look after each other", "plan_or_goodbye"),
    ("woke up and the first thing i thought was how i'd do it", "plan_or_goodbye"),
    ("ngl i've got it all planned out. wednesday when he's at work. its nearly over", "plan_or_goodbye"),
    # session 20: a topic exclusion tried for "maternal suicide" dropped this kind of crisis; it was not kept
    ("that podcast on maternal suicide, i know exactly how i'd do it and when", "suicide"),
    ("the documentary on maternal suicide, i think i'll be the next one", "suicide"),
    ("I don't think I can keep myself safe tonight", "plan_or_goodbye"),
    ("not sure i can keep myself safe if he leaves", "plan_or_goodbye"),
    ("I've got a rope in the boot of the car now", "suicide"),
    ("kill me now, I mean it, I can't do this", "passive_death_wish"),
    ("I want to end it tonight, killing us both", "harm_to_baby"),
    ("overdosed on my tablets last night and didn't tell anyone", "suicide"),
    ("the tablets are lined up on the bedside table", "suicide"),
    ("I've been saving my diazepam instead of taking it", "suicide"),
    ("got the pills at three different chemists so nobody would ask", "suicide"),
    ("how much of the co-codamol would it take", "suicide"),
    ("every time I cross the bridge into town I think about jumping", "suicide"),
    ("on the drive home I thought about just not stopping at the red light", "suicide"),
    ("the only thing stopping me is my mum finding out", "suicide"),
    ("if it wasn't for my daughter I'd have done it by now", "suicide"),
    ("it would be so peaceful to just not wake up", "passive_death_wish"),
    ("I honestly wish I'd died during the c-section", "passive_death_wish"),
    ("part of me hopes a lorry will hit me on the way to work", "passive_death_wish"),
    ("they would manage fine if I was gone", "passive_death_wish"),
    ("the kids would be better off with their dad than with me", "passive_death_wish"),
    ("I'm done fighting this", "passive_death_wish"),
    ("I'd rather be dead than live like this for another week", "passive_death_wish"),
    ("I keep imagining my own funeral", "passive_death_wish"),
    ("there's no point going on", "passive_death_wish"),
    ("the dark thoughts have turned into a plan", "plan_or_goodbye"),
    ("I've picked the date.", "plan_or_goodbye"),
    ("I feel calm now. I've decided.", "plan_or_goodbye"),
    ("I've written letters to my kids and my partner and hidden them", "plan_or_goodbye"),
    ("If I'm not on here tomorrow, please don't be sad", "plan_or_goodbye"),
    ("I gave away my jewellery to my friends this week", "plan_or_goodbye"),
    ("Thank you all for everything. I'm sorry", "plan_or_goodbye"),
    ("I can't keep myself safe right now", "plan_or_goodbye"),
    ("I'm terrified of what I might do tonight", "plan_or_goodbye"),
    ("nobody can see the cuts because I wear jumpers", "self_harm"),
    ("I've been punching my legs until they're purple", "self_harm"),
    ("I scratched my arms hard enough to bleed", "self_harm"),
    ("started cutting again after three months", "self_harm"),
    ("I keep squeezing his arm too hard when he won't settle", "harm_to_baby"),
    ("I put a pillow over her face for a second", "harm_to_baby"),
    ("I don't feel safe on my own with the baby", "harm_to_baby"),
    ("please take her, I can't be trusted with her", "harm_to_baby"),
    ("the voice keeps saying the baby has to go", "psychosis"),
    ("I can hear the walls whispering at night", "psychosis"),
    ("I know I've been chosen for something special and the radio is sending me signals", "psychosis"),
    ("she isn't my daughter, she's been replaced", "psychosis"),
    ("I've written out my will and left it on the table", "plan_or_goodbye"),
    ("tell my son it was never his fault", "plan_or_goodbye"),
    ("honestly not sure why I'm still fighting", "passive_death_wish"),
    ("the depression is winning and I'm tired", "passive_death_wish"),
    # session 12: a negation that turns to risk
    ("it's not that I want to hurt myself, I just want to stop being alive", "passive_death_wish"),
    ("it's not that i want to hurt her, but i'm scared i will hurt her", "harm_to_baby"),
    ("never thought about ending it until tonight, now i want to die", "passive_death_wish"),
    ("It's not that I want to hurt her, it's that I'm scared I will", "harm_to_baby"),
    ("the documentary said mums hear voices. they're telling me to take the baby to the river", "psychosis"),
    ("watched a documentary about psychosis and i believe my baby is evil too", "psychosis"),
    ("the programme was about voices. i'm hearing voices too", "psychosis"),
    ("no thoughts of ending things or hurting myself, but tonight i want to die", "passive_death_wish"),
    ("pure o they said, but i'm scared i will throw her down the stairs tonight", "harm_to_baby"),
    ("my nipples want to die and so do i", "passive_death_wish"),
    ("my body wants to die", "passive_death_wish"),
    ("i keep planning to take my life. tonight's the night", "suicide"),
    ("if he leaves again i'm walking into the sea, i'm not joking", "suicide"),
    # session 17: read from development crises that neither the model nor the net found
    ("the thoughts of smothering him are back and they don't feel like ocd this time", "harm_to_baby"),
    ("i know what intrusive thoughts are. these aren't intrusive thoughts, i keep picturing doing it", "harm_to_baby"),
    ("i said no to the midwife. i have the thoughts though, not intrusive ones, real ones", "harm_to_baby"),
    ("ticked 'quite often' for the harming myself question and she's calling the crisis team", "self_harm"),
    ("answered yes to the suicide question at my 6 week check", "self_harm"),
    ("pressed yes on the better off dead one in the app", "self_harm"),
    ("going to log off now. for good. love you all", "plan_or_goodbye"),
    ("cancelled my therapy session for thursday, i won't need it. thank you all", "plan_or_goodbye"),
    ("showed dh where the life insurance papers are today", "plan_or_goodbye"),
    ('"any thoughts of harming yourself?" yes. "how often?" most days.', "self_harm"),
    ("the app asked 'have you had thoughts of ending your life?' - yes, most days", "self_harm"),
    ("epds q10 i put yes quite often. so scared", "self_harm"),
    ("PHQ-9 item 9: 'more than half the days'. It's true.", "self_harm"),
    ("hv asked if i had any thoughts of harming myself. i said no. it wasn't true", "self_harm"),
    ('nurse asked "are you thinking about ending your life" and i just started crying and nodded', "self_harm"),
    ("been on the site i used to use, looking up methods, every night this week", "plan_or_goodbye"),
    ("stopped my meds and the pull to end it is back every night", "suicide"),
    ("said no to the psychiatrist then came home and took a handful of my sertraline", "suicide"),
    # session 25: her own overdose, told with how much and a sign that it is now
    ("ok i did it. took them. all of them. my ears are ringing", "suicide"),
    ("necked the whole strip about half an hour back, night all x", "suicide"),
    ("swallowed every last one of my sleepers with a glass of red. sorry", "suicide"),
    ("had a month's supply in one go. everything is going slow", "suicide"),
    ("downed the rest of my diazepam, its been 20 mins, lips tingly", "suicide"),
    ("took about 30 of my paracetamol and my heart is racing", "suicide"),
    ("took all my meds for the week at once, not by accident. feel sick and dizzy", "suicide"),
    ("i've taken a big overdose. idk why im posting, just wanted someone to know", "suicide"),
    # session 25, fourth round: a count, the packets, partway, more names and signs of now, how much alone
    ("60 sertraline and half a bottle of vodka. feel sick. logging off", "suicide"),
    ("the blister packs are all empty now. baby's at mums. sorry", "suicide"),
    ("popping them one by one, on number 12 now. don't try and talk me out of it", "suicide"),
    ("swallowed the lot. nobody ring anyone please", "suicide"),
    ("took the whole stash of my lorazepam, chased it with gin", "suicide"),
    ("knocked back the whole box of my zopiclone. bub's at her dad's", "suicide"),
]

NOT_CRISIS_NEAR_MISSES = [
    # session 23: the same words for ordinary plans, questions and cupboards
    "i know where and when the sling library is now, see you all there thursday",
    "i know how and when to give her the calpol now, thanks for the chart",
    "now i have a plan for the night feeds, dh does the 2am one",
    "this time i actually have a plan with the perinatal team if it comes back",
    "i have a plan now for weaning, starting with carrot sticks",
    "hid in the car for ten minutes before anyone found me crying, needed it",
    "took everything out of the cupboard to find the bottle steriliser, kitchen is chaos",
    "asking for a good reason: does anyone know if the soft play on the retail park is open sundays",
    "weaning the wean onto purees this week, wish us luck",
    "took all my vitamins and my sertraline this morning, feeling a bit sick, is that normal?",
    "accidentally took my tablets twice, feel sleepy, 111 said its fine",
    "finished the whole box of antibiotics finally, feeling loads better",
    "took the lot this morning, iron, folic acid and vit d, feel like a pharmacy lol",
    "my friend texted 'sorry for everything i said last night' and isnt answering, i think shes sulking",
    "my sister said goodbye at the airport and her phone's off, she's on the flight now",
    "friend sent a scary goodbye text but she's ok, she's with her mum and the crisis team now",
    # session 24: someone else's silence for ordinary reasons
    "my pal sent a photo of her new tablets from the gp and went offline, probably napping with the baby",
    "bff said 'love u always' when she left for australia, her phone's switched off til she lands",
    "my twin said sorry for the row and has gone quiet, classic her, she'll be back tomorrow",
    "my bestie sent 'this is it!!!' and went quiet for hours, she was in labour, baby girl born at 6",
    "my cousin said sorry for everything after her hen do and has gone quiet on honeymoon, no wifi in the maldives",
    "blackout blinds so i dont wake up at 5am, enough is enough",
    # session 20: a way out, and not here by a day, in ordinary senses; checking out, a plan, "how i'd do it"
    "checked out of the hospital for good, no more scans, she's perfect",
    "no idea how i'd do it without my mum to be honest, she's been a saint",
    "i know how i'd do it differently next time, no epidural til 8cm",
    "got the party all planned out and the teething is nearly over, small wins",
    "there was no way out of the car park except the one on the left so we sat in the queue for ages",
    "im not going to be here for the weekend group call, we're at my mums, catch up monday",
    # session 19: a blade or razor beside her for an ordinary reason
    "sat on the edge of the bath with a razor and shaved my legs for the first time since she was born",
    "sitting on the floor with a blade and the craft mat cutting out bunting for her party",
    # session 17: the same words without the risk
    "my intrusive thoughts about dropping her still feel like ocd, horrible but i know what they are",
    "i said yes to the anxiety questions and no to the harm one",
    "logging off for the night, feeds are done x",
    "signing off for a bit, back after the holidays",
    "my therapist says it doesn't feel like depression anymore, more like plain tiredness",
    "thoughts of harming yourself? no. thoughts of harming baby? no. crying? yes",
    "the form had 'thoughts of harming yourself: yes / no' and i ticked no",
    "she went down the list: low? tearful? harming yourself? yes, yes, no. standard stuff",
    "epds q10 i put never, q9 yes",
    "googling weaning methods at 3am",
    "looking up methods of sleep training, any tips?",
    "the epds question 10 options are yes quite often / sometimes / hardly ever / never",
    "just shoot me, the washing machine has flooded again",
    "the health visitor asked if I'd had thoughts of harming the baby and I said no, it's a routine question",
    "is there a self harm question on the EPDS?",
    "I have intrusive thoughts of hurting my baby but I would never act on them, my therapist says it's OCD",
    "I bought rope for the garden swing",
    "we need a plan for the christening, I've picked the date for the christening",
    "I've got everything I need for the hospital bag",
    "I wrote a letter to my son to open on his 18th birthday",
    "thanks for trying to help with the sleep question",
    "can't keep going to baby group if nobody talks to me",
    "I'm done fighting with my mum about dummies",
    "if I was gone for a weekend he'd have no idea where anything is",
    "I'm not safe to drive on this little sleep",
    "I cut my finger chopping onions",
    "I gave away the baby clothes she's outgrown",
    "I hear the voices of the kids next door through the wall",
    "goodbye for now, I'm done for the day, see you tomorrow",
    "I feel scared of what the health visitor will say",
    "the quickest way to get him to sleep is the car",
    "my partner hid the chocolate so I'll find another way to get my sugar fix",
    "I'm at the end of my tether with the night feeds",
    "we finally sorted out our wills after the baby came",
    "I'm at the end of the corridor in the maternity ward",
    "this is goodbye to the moses basket, she's too long for it now",
    "I'm not anxious or hearing voices like the women in the programme, I just feel flat",
    # session 12: negations the net had read as risk
    "no thoughts of ending things, no urge to hurt myself or the baby, just running on empty",
    "zero thoughts of hurting bubs, i adore her, i'm just so lonely",
    "it's not that i want to hurt myself, it's that i feel like a ghost in my own house",
    "not wanting to die, just wanting to sleep for a week",
    "never thought about ending it, not once, but the loneliness is brutal",
    "no plans to end my life, i promise, just needed to vent",
    "i'm done, not in a 'want to die' way, in a 'need a nap and a coffee' way",
    # session 12: a storyline's psychosis is someone else's
    "the Corrie storyline about the mum hearing voices, they actually got a lot right",
    "watched the documentary about postpartum psychosis, the woman believed her baby was the devil. so sad",
    # negated lists; OCD education told to others
    "i answered honestly, no thoughts of ending things or hurting myself. i just feel so cut off",
    "I'm really not - nothing about dying, nothing about hurting myself or the baby. I'm just drowning in admin",
    "for whoever needs it: the thought of throwing lo down the stairs doesn't mean you want to. "
    "your brain is on high alert",
    "pure o mum here, the flashes of dropping her off the balcony used to floor me. erp changed everything",
    # hyperbole: a thing that "wants to die", taking her life back, conditional exasperation
    "cluster feeding from 5 til 11, my nipples want to die lol",
    "started therapy on friday. feels like taking my life back",
    "if i hear the cocomelon theme one more time im walking into the sea",
    # session 25: the overdose words in her routine, the children, food, drink and feeds
    "took all my tablets this morning, feeling a bit sick tho, is it the sertraline?",
    "had all my meds with breakfast and feel fine today x",
    "took them all to the park and now im so tired, sorry for the rant",
    "finished the whole packet of biscuits lol sorry",
    "she finally finished the whole bottle!! 4oz in one go",
    "finished everything i had to do today, sorry for the moan",
    "i took the packet back to the pharmacy 10 mins ago, feel lighter for it",
    "took some of my paracetamol for the headache, still feel rough",
    "took my tablets as usual 10 mins ago and feel sleepy already, they always do that",
    "the packets are empty, need my repeat, sorry for the moan",
    "halfway through the box of celebrations already, sorry not sorry",
    "took the lot. the entire tray of brownies my sister dropped round. zero regrets",
    "started on the tablets today, first dose, bit scared",
    "counting out 28 tablets for my weekly pill box, so organised lol",
    "took the whole box of my old tablets back to the chemist, feels good",
    "my mate texted 'sorry cant make it tonight' and now her phone's off, panicking a bit she had the car keys lol",
    "my sister sent a note to say she's moving in with her bf, not answering me now, im driving over to talk to her",
    "my friend sent me a pic of her new flat and now she's not answering, what do i do, i want to visit lol",
    "rang 111 about my friend's chest pain, she's not answering now, on my way over",
]


# A peer tells her own past, resolved story to normalise it for others (recovered-story rule).
RECOVERED_STORIES = [
    "I had suicidal thoughts when my daughter was tiny. I got treated and it went. so many of us have been there",
    "after my son was born I kept getting images of drowning him in the bath. I never would have. "
    "CBT sorted it and they're long gone. you're not the only one",
    "there was a time I wished I wouldn't wake up. that was two years on Monday and I've been well since. "
    "loads of us have had that fog",
    "I self harmed in the first few months. got support through my GP and haven't in over a year. "
    "you're not alone in this",
    # no sharing marker needed, and an ordinary "today" framing the update does not count as a relapse
    "jabs today and she screamed the place down. two years ago with my first i wanted to die every day. "
    "i'm on the other side now and she's 3",
    "the perinatal team have discharged me today!! after my son was born I took an overdose. "
    "feels surreal. he's 2 now and obsessed with buses",
    "It was 2019 when I heard voices telling me the baby was evil. antipsychotics, hospital, a slow recovery. "
    "she's 7 now and I'm well. still see my psychiatrist once a year though",
    "three years ago i took an overdose when my son was tiny. no relapse since, and i came off my meds last spring",
    "@newmum when my girl was ten weeks i had a plan to end my life. she's nearly three now. "
    "the person you are right now will get through this",
    # session 10: "again" after "feel like me", "still here", a past "planning", the past told in an
    # earlier sentence, and more ways to say it is over
    "i wanted to die every day after my second. the mbu and the right meds and now i feel like me again x",
    "i was at the point of planning to kill myself when he was 5 weeks. sertraline helped. so glad i'm still here",
    "Back in 2019, six weeks after my son. I wrote notes to everyone and hid them. The crisis team got me through. "
    "He is 5 and thriving",
    "at 4 months pp i tried to take my own life. therapy finally worked for me and the thoughts stopped. "
    "we're planning her 2nd birthday",
    "i self harmed most nights with my first. been free of it for two years. "
    "still tired, still on a low dose, normal mum stuff",
    # session 11: dated afterwards, years clear, the child grown since
    "when my son was tiny i took an overdose and spent two nights in hospital. that was 2021. we're fine now",
    "i had postpartum psychosis and believed the radio was sending me messages about her. "
    "that was five winters ago. she's in grade one now",
    "I attempted suicide when my eldest was three months old. she's 22 now and I'm about to be a nan",
    "I was self-harming in the shower so nobody would see. I'm three years clear of self-harm now.",
    "i tried to end my life when my daughter was 4 months old. that was 6 yrs ago. she's in year 2 now",
    "i had suicidal thoughts for about six weeks with my second. i haven't had a thought like that in over two years",
    # session 12: "again", "tonight", "still", "today" about ordinary life do not reopen the story
    "i took an overdose when my son was 10 weeks old. the perinatal team got me through and i've been well for "
    "three years. back at work again on monday, fingers crossed",
    "when she was tiny i had thoughts of smothering her, awful sticky thoughts. it was ocd and i got treated. "
    "she's 4 now. tonight we're making homemade pizza",
    "i wanted to die most days after my first. i've been well since 2021. my sister is visiting this week "
    "with her new puppy",
    "in 2019 i planned my suicide and the crisis team saved my life. she's 5 now and still obsessed with dinosaurs",
    # session 13: the child's age told any way, time since, "still here", past told in the next sentence,
    # "again and again", negated returns, someone else's evening
    "tried to take my life when lo was 8wks. hes 3 and currently covered in yoghurt",
    "Cut my wrist in the hospital loo the week she was born. She turned 3 on Saturday.",
    "I thought the baby was the devil. My son is 6 and an absolute angel (mostly).",
    "heard voices after my c section telling me the baby wasnt mine. lithium and a v good team. "
    "3 yrs on and i'm pregnant again with a proper plan in place this time",
    "Overdosed in 2017. Ran a 10k today. Still here x",
    "ngl i cut again and again when lo was tiny, arms and thighs. 2 yrs clean. scars faded to silver",
    "the voices stopped. mine went in about three weeks once the meds were sorted, and they've never come back",
    "self harmed daily when lo was newborn. 2 yrs clean. rn im just folding laundry and watching bake off",
    "was suicidal thru most of my first yr pp. meds + therapy worked, took ages but they did",
    "I never thought I'd be someone who overdosed. Happened in 2017, 7 weeks postpartum. I'm fine now, "
    "genuinely fine. Went back to uni, we got a puppy, boring normal life.",
    "Five years ago I tried to end my life when my son was six weeks old. He's turning 6 and tonight he's at cubs.",
    "i heard voices in the mbu last spring. i'm home, i'm well, and i haven't heard a voice since june",
    "Lately I've been thinking about how far I've come. Two years ago I was cutting my arms in the toilets "
    "on the ward. it's been 2 years and I wore a t-shirt to the school gate.",
    "I tried to take my own life after my middle one. That middle one is 8 now, doing his communion in May.",
    # dated years back in its own sentence; time words about the reader ("if you're in it right now")
    "Six years ago this month I tried to end my life. Nobody took my son. Everyone just helped.",
    "2yrs ago i swallowed a whole box of my antidepressants. i'm still here and so glad i am. please call your "
    "crisis team tonight if u need to, they were amazing to me",
    "To the mum who posted last night about hearing the voices: I heard them too after my daughter was born. "
    "The meds worked and I'm well now.",
    "i know a lot of you are in the thick of it right now. i wanted to die after my first and got help. "
    "she's 4 now",
    "had baby in 2018, tried to end my life at 5 months. spent a few weeks at the mercy. well since 2019.",
    "used to self-harm in the baby's first year, haven't for nearly three years",
    "therapy finished last week!! started after i tried to end things when my son was tiny.",
    "back when she was a newborn i burned myself to cope and hid it from everyone. scars have faded, "
    "and so has the urge.",
]
# Story-shaped messages that are still crisis: relapse, present risk, or no resolution.
STORY_SHAPED_CRISIS = [
    "I had suicidal thoughts after my first and got help. so many of us have been there. lately they're back",
    "I was suicidal after my first, got treated, it went. you're not alone. but I want to die again tonight",
    "I had thoughts of drowning him in the bath. so many of us get them. I keep seeing it and I'm scared I'll do it",
    "I used to self harm and I'm not the only one, we've all got scars. I cut myself last night",
    "so many of us have been there, I know. I wished I wouldn't wake up this morning",
    # a time word near the story still counts; a relapse word anywhere does
    "I cut myself when she was a baby. I've been well for years. I did it today.",
    "yesterday i had the pills lined up. i'm on the other side of it now",
    "with my first i took an overdose at 6 weeks. he's 4 now and i'm well. i still want to die some days",
    "i tried to kill myself when my daughter was 3 months. she's 5 now. the thoughts started to come back this week",
    "after my first i self harmed for months. they discharged me in 2022. she's 4 now. weaning the baby is hard. "
    "some days are ok. i cut again",
    "i took an overdose after my first and came off my meds last spring. "
    "i've relapsed and i've got the tablets saved up",
    "when my girl was ten weeks i had a plan to end my life. she's nearly three now. "
    "it's back right now and i'm scared",
    # session 10 counterparts: a resolution that did not hold, habits in the present, a recent weekend
    "therapy helped for a while. i wanted to die all weekend",
    "the meds helped at first. last week i wrote goodbye notes",
    "in 2022 i thought about ending it. the meds helped. i think about it every day now",
    "back then i wanted to die. the fog lifted for a bit. i still want to",
    "i was doing so well, i even told people i was recovered. "
    "i'm sitting in the car in the garage with the engine running",
    "i used to be suicidal, got help, but i'm back there now. i don't want to be here",
    "I made it through the first year. Then I took all my tablets at once.",
    # session 11: a story dated long ago, with present risk in a sentence the net has no pattern for
    "i wanted to die after my first. that was 3 years ago. now with my second i'm having the same thoughts",
    "i wanted to die when my eldest was born. the eldest's 6 now. i have a plan for tomorrow",
    "my kids are 7 and 9 and i took an overdose an hour ago",
    "i overdosed in 2015. my twins are 8 now. i'm in the car park with the pills",
    "I tried to kill myself after my first. That was 2019. Since the new baby I've been thinking about it every day",
    "i had suicidal thoughts after my son. he's 12 now. my daughter is 3 weeks and the thoughts have started",
    "i was suicidal in 2018, been well since until about a fortnight ago. i've written letters",
    "i attempted suicide in 2018, the eldest's 7 now. i've bought more paracetamol",
    "i self harmed in 2012, 12 years clear, my kids are 9 and 11. i burned myself earlier today",
    "i tried to overdose after my first, that was 2017. the kids are 6 and 8 now. tonight i'm going to finish it",
    "i overdosed when she was 8 weeks, she's 3 now. i'm going to do it properly this time",
    # session 12: the same time words in a sentence about her distress still reopen it
    "i took an overdose when my son was 10 weeks old. i've been well for three years. the thoughts came "
    "back again on monday",
    "i wanted to die after my first. i've been well since 2021. tonight i don't trust myself",
    "i self harmed when she was tiny and got treated, she's 4 now. lately i feel the pull to cut",
    "in 2019 i planned my suicide. she's 5 now. i still want to some days",
    # session 13: the same shapes with the danger now
    "tried to take my life when lo was 8wks. hes 3 now and last night i tried again",
    "i cut myself when she was tiny. she turned 3 on saturday. the urges have started again and i cut tonight",
    "overdosed in 2017. still here but i don't want to be",
    "i wanted to die when lo was newborn. she's 2 now. tonight i don't trust myself",
    "GP asked if I'd had any thoughts of ending my life. I said no because my husband was in the room. "
    "I have, most days, and I've been thinking about how.",
    "the thoughts about drowning her used to horrify me. tonight they don't. I'm running the bath and I don't "
    "trust myself",
    "i self harmed thru most of my first pregnancy. 2 yrs clean. i've been cutting again this week",
    "heard voices after my first. 3 yrs on. they've come back and they're telling me to hurt the baby",
    "two years ago i tried to end my life. i'm there again",
    "five years ago i tried to kill myself. tonight i want to again",
    "i know some of you are in it right now. i wanted to die after my first and got help. she's 4 now. "
    "ive been stockpiling my sertraline for weeks for when i finally do it",
    "if you're struggling right now, i get it. i tried to end my life years ago and i want to die again tonight",
    "i tried to end my life in 2018. well since 2019, until this week. i've been planning it again",
    "therapy finished last week. i tried to end things when my son was tiny and i've got the pills saved again",
]


# An answered screening question, the "no" a sentence or two after the question (screening-answer rule).
ANSWERED_SCREENING = [
    "the call handler asked if i was having any thoughts of harming myself. threw me for a second but i said no, "
    "it's a standard question apparently",
    "GP went through the PHQ-9 with me. When she got to the one about being better off dead I said nope, "
    "I just want some sleep",
    "my answer to 'the thought of harming myself has occurred to me' was never, thank god",
    "she asked whether I'd had thoughts of suicide. I said no, and I meant it. baby had her jabs today too",
    "health visitor asked if I'd had any thoughts of hurting the baby. took me by surprise. honestly no, "
    "it's the lack of sleep that's getting to me",
    # session 11: the question told in the sentence before; "answer: no", "not at all", a score of 0
    "public health nurse asked the mental health ones. 'Any thoughts of harming yourself?' Nope. "
    "she was lovely about it",
    "the pharmacist asked about self-harm when i picked up my prescription. "
    "answer: no, it's just anxiety with me",
    "did the phq-9 at the gp. the one about being better off dead, i put 0, not at all",
    # session 12: answers in brackets, after a colon, "no to both"; a question told two sentences
    # before; "ngl" and "yes to the anxiety ones" are not admissions
    "the mw did the booking-in mood questions. ever self harmed (no), any thoughts of ending your life (no). "
    "she was very matter of fact",
    "Postnatal form from the surgery. Self harm: no. Thoughts of suicide: no. Sleep: awful. Appetite: fine.",
    "ngl i was a bit thrown when the gp asked about suicide and harming the baby. no to both, "
    "i'm just knackered",
    "the hv asked about thoughts of harming myself and i said no. yes to the anxiety ones though, "
    "she's referring me for cbt",
    # session 13: a list read out, each question answered at once
    "hv came today and did the usual. any thoughts of harming yourself? no. any thoughts of harming baby? no. "
    "then she weighed him",
    "she read the list out: sleeping? no. crying? yes. thoughts of harming yourself? no. thoughts of harming "
    "baby? absolutely not. bonding? getting there",
    'GP: "Any thoughts of self harm?" Me: "No." GP: "And are you sleeping?" Me: *hysterical laughter*',
    "filled the wellbeing form in at the 6-8 wk check. self harm: no. thoughts of suicide: no. bonding: sometimes "
    "difficult",
    "did the mood check on the app. self harm: no. better off dead: no. lonely: very",
    '"do you ever feel like you\'d be better off dead" no. "do you ever feel overwhelmed" every single day lol',
    "My honest answers: low mood yes, lost interest yes, self harm no, suicide no.",
    "so nervous about the suicide question at my 6 week check. is it weird to practise answering it",
    "the self harm one at the end of the epds always makes me feel like i'm on trial",
]
# The same question answered with a yes, a lie or a plan: still crisis.
SCREENING_SHAPED_CRISIS = [
    "the hv asked if I'd had thoughts of harming myself and I said no. truth is I have them every night",
    "midwife asked about suicidal thoughts. I said no but I've been planning it",
    "she went through the EPDS and asked about harming myself. I said no. yes I do though",
    "the form asked if I'd thought of ending my life. I said no. lately it's all I think about",
    "GP asked if I'd had thoughts of suicide. I said no. I've got a plan",
    "The nurse asked about thoughts of harming the baby and I said no. sometimes I do",
    "The hv asked the mental health questions. 'Thoughts of harming yourself?' Not once, I said. "
    "I cut myself last night.",
    "I put 0 on the self harm question. I've been cutting every night this week.",
    "the nurse asked the questions. 'harming the baby?' not once. but tonight i'm scared i'll hurt him",
    # session 12: the same answer forms, and an admission after them
    "Form from the surgery. Self harm: no. Thoughts of suicide: no. Truth is I want to die.",
    "the gp asked about suicide, i said no to both questions. ngl that was a lie, i have a plan",
    "the hv asked about thoughts of harming myself and i said yes, quite often lately",
    "any thoughts of harming yourself? no. any thoughts of harming baby? no. that's what i told her. "
    "truth is i think about it every night",
    "thoughts of suicide? no. but i do think about ending it most days",
    "self harm: no. i lied, i cut last night",
    "thoughts of harming yourself? yes. thoughts of harming baby? no.",
    "i was in hospital after a suicide attempt and this is baby no.2. it's happening again and i have a date "
    "in my head",
    "self harm: no. thoughts of suicide: no. i've been stockpiling my tablets",
    "i ticked yes on the self harm one. i've been cutting again",
    "the suicide question made me realise i have a plan",
    # session 19: the answer taken back, and a blade beside her after the "no"
    "the hv asked about suicidal thoughts and i said passive ones. they're not passive anymore",
    "gp asked if i'd had thoughts of ending my life, i said only a few days. it's more than a few days",
    "the midwife asked if i'd thought of harming myself and i said no. then i sat in the car with a "
    "razor blade for an hour",
    "she asked about self harm, i said no. the blade is in my bag, didn't use it yet",
]


@pytest.mark.parametrize("text", STORY_SHAPED_CRISIS + SCREENING_SHAPED_CRISIS)
def test_story_shaped_crisis_is_still_caught(net: SafetyNet, text: str) -> None:
    assert net.check(text), "expected a crisis hit"


@pytest.mark.parametrize(("text", "category"), CRISIS + CRISIS_INDIRECT)
def test_crisis_wording_is_caught(net: SafetyNet, text: str, category: str) -> None:
    hits = net.check(text)
    assert hits, "expected a crisis hit"
    assert category in {h.category for h in hits}


@pytest.mark.parametrize("text", NOT_CRISIS + NOT_CRISIS_NEAR_MISSES + RECOVERED_STORIES + ANSWERED_SCREENING)
def test_non_crisis_wording_is_not_flagged(net: SafetyNet, text: str) -> None:
    assert net.check(text) == []


def test_case_counts() -> None:
    assert len(CRISIS) >= 60
    assert len(NOT_CRISIS) >= 40


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I’m  SO   tired", "i'm so tired"),
        ("“quoted” ‘single’", "\"quoted\" 'single'"),
        ("kms", "kill myself"),
        ("i dont wanna be here anymore", "i don't want to be here anymore"),
        ("i cant go on", "i can't go on"),
        ("sewerslide", "suicide"),
        ("sewer slide", "suicide"),
        ("sucidal", "suicidal"),
        ("s*icide", "suicide"),
        ("unalive myself", "kill myself"),
        ("I want to be unalive", "i want to be dead"),
        ("self harm", "self-harm"),
        ("SOOOO tiiired", "so tired"),
        ("**kill myself**", "kill myself"),
        ("line one\n\n  line two", "line one\nline two"),
        ("i want 2 die", "i want to die"),
        ("not gonna be here by the wkend", "not going to be here by the weekend"),
        ("tkn everythin sum1", "taken everything someone"),
        ("cannae stop thinkin aboot the wean", "can't stop thinking about the baby"),
        ("won't be here 2nite or tmrw", "won't be here tonight or tomorrow"),
        ("<@123456789> hi", "hi"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("zero\u200bwidth", "zerowidth"),
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\n\n",
        "😭😭😭",
        "🍼👶💤",
        "...",
        "a" * 10_000,
        ("so tired " * 1200)[:10_000],
        ("💀" * 5000),
        "我很累，宝宝一直哭",
        "أنا متعبة جدا",
        "Je suis fatiguée mais ça va",
        "Estoy muy cansada hoy",
        "Мне очень тяжело",
        "\x00\x01\x02 control chars",
    ],
)
def test_robust_inputs_do_not_crash(net: SafetyNet, text: str) -> None:
    hits = net.check(text)
    assert isinstance(hits, list)


def test_long_input_finds_crisis_at_the_end(net: SafetyNet) -> None:
    # Its speed is measured by `python -m bot bench classify` (safety net alone, 10,000 characters).
    text = ("We had a lovely walk today and the baby slept well. " * 200)[:9_950] + " I want to die."
    hits = net.check(text)
    assert any(h.category == "passive_death_wish" for h in hits)


def test_hits_are_categories_and_ids_only(net: SafetyNet) -> None:
    secret = "I want to kill myself and nobody knows xyzzy-42"
    hits = net.check(secret)
    assert hits
    for hit in hits:
        assert isinstance(hit, SafetyNetHit)
        assert hit.category in CATEGORIES
        assert hit.pattern_id in net.pattern_ids
        assert "xyzzy" not in repr(hit)
    with pytest.raises(AttributeError):
        hits[0].category = "neutral"  # type: ignore[misc]


def test_every_category_has_patterns(net: SafetyNet) -> None:
    assert set(net.categories) == set(CATEGORIES)
    assert len(set(net.pattern_ids)) == len(net.pattern_ids)


def test_gate_never_changes_results() -> None:
    """The literal pre-check is an optimisation only: results must equal the ungated net."""
    gated = SafetyNet.from_file(DATA)
    ungated = SafetyNet.from_file(DATA, use_gate=False)
    for text in ([t for t, _ in CRISIS + CRISIS_INDIRECT] + STORY_SHAPED_CRISIS + NOT_CRISIS
                 + NOT_CRISIS_NEAR_MISSES + RECOVERED_STORIES):
        assert gated.check(text) == ungated.check(text), text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"patterns": {"nonsense": [{"id": "nonsense.x", "regex": "x"}]}}, "unknown category"),
        ({"patterns": {"suicide": [{"id": "wrong.x", "regex": "x"}]}}, "id must start"),
        ({"patterns": {"suicide": [{"id": "suicide.x", "regex": "("}]}}, "invalid regex"),
        ({"patterns": {"suicide": [{"id": "suicide.x", "regex": "{NOPE}"}]}}, "unknown macro"),
        (
            {"patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}, {"id": "suicide.x", "regex": "b"}]}},
            "duplicate",
        ),
        ({"patterns": {"suicide": [{"id": "suicide.x"}]}}, "exactly one of"),
        (
            {
                "patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}]},
                "exclusions": {"idiom": [{"id": "i", "regex": "b", "scope": "sentence"}]},
            },
            "needs applies_to",
        ),
        (
            {
                "patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}]},
                "recovered_story": {"resolved": "b", "told_in_past": "c", "risk_now": "d"},
            },
            "needs \\[past_resolved\\]",
        ),
        (
            {
                "patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}]},
                "past_resolved": {"past": "p", "present": "q", "recovery": "r", "relapse": "s"},
                "recovered_story": {"resolved": "b", "told_in_past": "c", "risk_now": "d", "relapse_weak": "e"},
            },
            "relapse_weak and topic go together",
        ),
        (
            {
                "patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}]},
                "screening_answer": {"cue": "a", "answer": "b", "admission": "c"},
            },
            "screening_answer.admission_near needs a non-empty regex string",
        ),
    ],
)
def test_bad_config_is_rejected(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SafetyNet.from_dict(data)


# Exclusions written against posts by other hands (config/framing/dev/net_dev.jsonl): negation in
# chat spelling, answers to screening questions, past-and-recovered stories, perinatal OCD
# education, conditional exasperation and film / news / book framing. Each pair below: the
# excluded wording on its own stays silent, and a crisis sentence next to it still fires.
DEV_RULES_NOT_CRISIS = [
    # negation.not_going_to
    "not gonna hurt myself dont worry, just needed to vent",
    "im not going to harm myself, i just cry a lot atm",
    "no i'm not thinking about ending it hun, i'm just knackered",
    "not wanting to kill myself at all, just feel really low and weepy",
    # negation.never_thought_of
    "i've never once thought about hurting myself, it's more the constant worry",
    "i wouldnt ever end my life, my kids need me",
    "have never felt like i want to die, this is more rage than sadness",
    "doesnt mean i want to die, just means i want a break ngl",
    # negation.no_self_harm_list
    "no suicidal thoughts, no self harm, just anxiety through the roof rn",
    "never had any urge to self harm thank god",
    # screening.answered_no
    "the midwife asked if i'd had any thoughts of harming myself and i said no, which was true",
    "the EPDS question about harming myself, I ticked never",
    "GP asked if i'd had thoughts of suicide. i said no, honestly i haven't, it's more anxiety",
    "i ticked 'no' for the thoughts of harming myself question on the form",
    "mental health nurse asked whether i wanted to die, i said no and meant it",
    # screening.the_question: the question reported without a yes
    "my midwife asked me whether i'd been self harming, apparently they ask everyone",
    "the perinatal nurse asked if i'd ever thought about suicide and i could truthfully say no",
    "heads up they'll ask about suicidal thoughts at the 6 week check, it's just routine",
    "Consultant asked 'have you had thoughts of ending your life?' Nope, just very anxious",
    "the last question on the form is about harming yourself, don't panic when you see it",
    "no to the self harm bit, struggled with basically everything else on that questionnaire lol",
    # past_resolved: later recovery sentence, more past markers, "that was ... ago"
    "after my first i was suicidal for months. got meds and therapy and now i'm doing really well",
    "back in 2022 i didnt want to be alive. now im thriving tbh",
    "my PND got so bad i wanted to die, but that was ages ago, i'm doing well now",
    "i remember wanting to drive into a wall on the way home from the hospital. that was 2 years ago, i'm ok now",
    # past_resolved: named months and seasons, "remember when", "i once", a pregnancy lived
    # through, "after my suicide attempt", "they went away", "N months on", "it's been N years"
    "remember when i said i wanted to die? meds and my CPN helped so much, i'm doing so much better now",
    "last winter i didn't want to be alive. seven months on and honestly thriving",
    "i once believed my baby was possessed. it was psychosis, it was treated and it's long gone",
    "i self harmed throughout my first pregnancy. got help after. haven't since",
    "after my suicide attempt i spent a month on the ward. eight months on and i'm well",
    "a year ago i heard voices about my son. with medication they went away",
    "i wanted to end my life when she was born. it's been 3 years. i'm well",
    "the mum in that episode says she's better off dead. hard watch but i'm fine",
    # idiom.ocd_education
    "i keep getting intrusive thoughts about hurting the baby and they horrify me",
    "i had horrible images of drowning him in the bath. my psych explained it's perinatal ocd",
    "OCD tells me i might hurt her. i know i won't",
    # idiom.if_again_cliff
    "if one more person tells me to sleep when the baby sleeps i'll scream and jump off a cliff",
    # reported.media
    "the podcast episode on perinatal suicide was really informative, recommend",
    "the character in the show says she wants to jump in front of a train. turned it off",
    "reading a memoir where the author says she wanted to kill herself every day after birth",
    # {BABY} no longer matches "herself" / "himself" / "themselves"
    "she told me once she felt like killing herself, i'm so glad she's ok now",
    # recovery stories told for others (fresh development text, session 8): "today i'm well",
    # "N years out / clean", "my story:", "living proof", "came out of it"
    "three years ago i overdosed when my daughter was tiny. today i'm doing well and i want you all to know "
    "it gets better",
    "used to self harm, two years clean now and honestly it does get easier",
    "i'm 3 years out from my suicide attempt, sharing because i needed stories like this back then",
    "my story: psychosis, a section, wanting to die every day. now: well, working, happy",
    "living proof you can come back from wanting to die. been well since she turned one",
    "after my delivery i had thoughts of jumping from the window. i got help and slowly came out of it, "
    "i'm completely fine now",
    # screening answers: the EPDS item read out, a form's answer after a dash, "honest answer was
    # no", a bare "said no" / "no to that" opening the next sentence
    "the nurse read out 'the thought of harming myself has occurred to me' and i said never",
    "filled in the phq-9, the question about being better off dead - 'not at all'",
    "health visitor did the epds, ticked 'never' for self harm, the rest was a mess",
    "they asked at my review if i'd ever felt like ending my life. honest answer was no",
    "pharmacist asked if i'd had any thoughts of harming myself since starting the tablets. said no",
    "gp asked about self harm. no to that, yes to feeling flat",
    # "i know it's not his fault" is not the goodbye "make sure he knows it wasn't his fault"
    "i know it's not his fault he can't feed her, i'm just exhausted",
    # negation, OCD education and exasperation by other hands (net_dev_s8c.jsonl)
    "no dark thoughts, no self harm or anything, but i'm not sleeping and i snap at everyone",
    "epds was 15 but the self harm question was a 0, so that's something",
    "i keep having the intrusive images of dropping her down the stairs. my therapist says its ocd",
    "i'm going to walk into the sea if this baby wakes up once more tonight 😂",
    # session 13: media, OCD told as managed, fear of harm negated
    "EastEnders did the voices storyline really well I thought. dh finally understood what I meant",
    "watched some of 13 reasons why with my teenager and we had a really good chat about self harm after",
    "So proud of that presenter talking openly on breakfast telly about her self harm in pregnancy.",
    "the book club book has a chapter where the mum hears voices telling her the baby isn't hers. felt seen",
    'Had the "what if I drown him in the bath" thought at bath time. Noticed it, labelled it, let it pass.',
    "mine were mostly about the car, driving off the bridge with him in the back. psych called them impulse phobia",
    "The image of hurting him still pops up but it's just noise now.",
    "I'm not scared of hurting my son. What I AM is exhausted and fed up with rain.",
    # session 14: a time word inside the reported question is its frame; a form's options read out;
    # an item read from a list ("any thoughts of..."); a named voices question; more ways to say no
    "The nurse asked whether I'd had any thoughts of self harm recently. I said no, thankfully.",
    "form had the usual answers - yes quite often / sometimes / hardly ever / never - for the harming myself one."
    " ticked never",
    "the consultant asked if the voices had come back since i came off the meds. none. 8 months well",
    "why do they always ask the voices question at the 6 week check",
    "triage asked if i was having thoughts of killing myself. i wasn't, it was a panic attack",
    "I nearly lied on the form about the self harm question but the true answer was no anyway.",
    "she read out any thoughts of harming yourself, any thoughts of harming the baby. all no, she moved on to my"
    " stitches",
    # session 14: more ways a story is over ("haven't had a suicidal thought", "have been for a good while",
    # "none of the old stuff"); "planning the party" is not planning
    "my daughter is 5 now and i haven't had a suicidal thought in years, it does get better",
    "heard voices telling me to hurt him when he was tiny. he turns 7 next week and i'm planning the party",
    "the 'everyone would be better off without me' thoughts were loud back then. quiet now, have been for a good while",
    "rough week, checked in with myself like my therapist taught me: none of the old suicidal stuff, just tired",
    # session 17 (net_dev_s16a/b): an anniversary dates the story ("ago today", "a year since the night");
    # a bad day told against the old crisis; "the winter he was born"; "since i overdosed"; the doctors
    # helped; answers "not currently" and "keep pressing no"; "i want to be here" is no present risk
    "3 years ago today i was on the ward after trying to end it. today we went to the zoo and she fed a goat",
    "a year since the night i took the overdose. a year of therapy and a lot of walks. we planted a tree for it",
    "tired today but normal tired, not the old kind where i wanted to be dead",
    "rough week with teething but there's no wanting to die in it anymore, just coffee",
    "the wanting to be dead part is gone and has been for months. still on sertraline and that's fine",
    "self harmed most nights the winter he was born. haven't in 3 years now",
    "it's been 4 years since i overdosed and i only remembered the date at bedtime",
    "my son asked about my scars. i told him mummy was poorly and self harmed after he was born and the doctors helped",
    "the gp asked about thoughts of suicide and i said not currently, not since my teens",
    "the app asks 'any thoughts of self harm?' every week and i keep pressing no",
    "she asked about feeling like i'd be better off dead, i said no, i'm tired but i want to be here",
    "the nurse asked if life felt worth living and i said honestly yes, i want to see him grow up. "
    "so no to the harm one",
    # session 26: a goodbye the post explains, an overdose on its anniversary, someone else's overdose told as over
    "my sister texted 'goodbye forever' to the family chat, she meant she's leaving it because of the memes 😂",
    "best friend sent me the loveliest goodbye message, she's moving to Spain on friday. gonna miss her so much",
    "a year ago today i took an overdose while she slept. she's walking now and i've gone back to work",
    "two years ago tonight i took an overdose when he was 3 months. he starts nursery next week",
    "my cousin overdosed last month, she's safe now and getting proper help from the perinatal team",
]

DEV_RULES_CRISIS = [
    # session 17: the same shapes with the risk back, a plan beside the contrast, or the "no" a lie
    "3 years ago today i was on the ward after trying to end it. today i've got the tablets out again",
    "not the old kind of tired, i want to die and i have a plan",
    "the wanting to be dead part was gone for months but it's back this week",
    "the wanting to die isn't gone, it's worse",
    "it's been 4 years since i overdosed and tonight i'm planning to do it again",
    "the gp asked about thoughts of suicide and i said not currently. that was a lie, i think about it every day",
    "i keep pressing no on the app but the truth is i want to die",
    # negation next to a crisis sentence, or negation that is not one
    "i'm not going to hurt myself. i want to die though",
    "im not gonna lie i want to kill myself",
    "not gonna kill myself tonight but tomorrow i will",
    "i didn't think about killing myself until tonight",
    "i'm not thinking about ending it, i've decided to end it",
    "no thoughts of hurting the baby but i want to kill myself",
    # screening answers that were not true
    "midwife asked if i'd thought of harming myself and i lied and said no",
    "the HV asked if i had thoughts of suicide and i said no but that's not true, i think about it every day",
    "gp asked whether i wanted to die, i said no because i was scared they'd take the baby. i do though",
    "i ticked never on the EPDS harming myself question but honestly i think about it all the time",
    "they asked if i had thoughts of ending my life, i said no. i want to die",
    "the midwife asked if i'd thought about suicide and yes, i have, every night",
    "hv asked whether i'd had thoughts of harming myself. said no. i have a plan tho",
    "doctor asked if i was ok and i said i want to kill myself",
    "psych asked about self harm and i told her the truth, i cut last night",
    "they asked if i'd felt like ending it. i said no but really i do",
    # past stories with relapse or present risk
    "two years ago i was suicidal and got help but i want to die again",
    "after my son was born i wanted to die and i still do",
    "last year i wanted to end it all. i got help. tonight i want to end it all",
    "i used to self harm years ago and i cut again last night",
    "remember when i said i wanted to die? i got help but lately it's back",
    "last winter i didn't want to be alive. seven months on and i want to die again",
    "i once believed my baby was possessed and tonight i believe it again",
    "after my suicide attempt i got help. i'm planning another one now",
    "the mum in that episode says she's better off dead and i feel the same",
    # OCD wording with fear of acting
    "i have intrusive thoughts of hurting my baby, my therapist says ocd, but i'm scared i'll act on them",
    "ocd or not, i keep imagining drowning her and i want to",
    "i have intrusive thoughts about hurting my baby and tonight i nearly did",
    # media linked to herself
    "the character in the book wanted to die and i feel exactly the same",
    "after watching that film i've been planning my own suicide",
    "the podcast was about suicide. i feel suicidal",
    # exasperation said in earnest
    "if he leaves again i'll throw myself off the bridge, i mean it",
    # recovery-story and screening wording with risk now (session 8)
    "three years ago i overdosed. i got better but this week i've been planning to do it again",
    "used to cut, two years clean, but i cut last night and i want to do it again",
    "i'm 3 years out from my attempt and i want to die again",
    "living proof you can come back from wanting to die, that's what i thought. i want to die",
    "the nurse read out 'the thought of harming myself has occurred to me' and i said quite often",
    "gp asked if i had thoughts of ending my life. i said sometimes. it's every day",
    "they asked if i'd had any thoughts of harming myself. said no. i have them though",
    "my story: i'm planning to end my life this weekend",
    "i want him to know it wasn't his fault",
    "if you're in it right now, please tell someone. i can't anymore, i'm going to kill myself",
    "no self harm or anything, but i want to die",
    "the self harm question was a 3",
    "what if i shake him, i think i might, i'd never have thought i'd say that",
    "i'm going to walk into the sea tonight, i mean it",
    "People on the radio are talking about me and my daughter. they know what I did",
    "the tv is sending me messages about my son, the voices say he has to go",
    "I'm not scared of hurting my son anymore, I think I actually want to",
    "my therapist calls them intrusive thoughts but I noticed it tonight and I'm scared I'll drown him",
    # session 14: the answer's reach, and an admission anywhere, keep a screening question's hit
    "hv asked the voices question. i said no. but they keep telling me to hurt the baby tonight",
    "she asked if i'd had any thoughts of suicide lately. i said no but i lied, i've been planning it",
    "the app asked any thoughts of self harm? i ticked never. i'm too scared to tell anyone i cut myself last night",
    "Nurse asked whether I'd had thoughts of ending my life. I said not now. I have though, every night.",
    "midwife asked if i'd had thoughts of harming myself lately. i said no. it was a lie, i want to die",
    "i haven't had a suicidal thought in years until this week, now it's all i think about",
    "discharged from the mbu on friday and i want to die, i can't do this at home",
    "it's been 400 days since i last self harmed and tonight i cut again",
    # session 26: the same words with the danger now
    "my sister sent a goodbye message and left the group chat, she's not answering and her phone's off",
    "moving to spain was the plan. this is my goodbye, i'm sorry for everything",
    "a year ago tonight i took an overdose. tonight i've taken the rest of the box",
    "my sister took an overdose an hour ago and she isn't answering",
    "my cousin overdosed in 2019 and tonight she's done it again, she won't answer",
]


@pytest.mark.parametrize("text", DEV_RULES_NOT_CRISIS)
def test_dev_rule_exclusions_are_silent(net: SafetyNet, text: str) -> None:
    assert net.check(text) == []


@pytest.mark.parametrize("text", DEV_RULES_CRISIS)
def test_dev_rule_exclusions_leave_crisis_beside_them(net: SafetyNet, text: str) -> None:
    assert net.check(text), "expected a crisis hit"


@pytest.mark.parametrize("text", DEV_RULES_NOT_CRISIS)
def test_crisis_sentence_next_to_a_dev_exclusion_still_fires(net: SafetyNet, text: str) -> None:
    assert net.check(text + ". but honestly right now i want to kill myself")
    assert net.check("I want to die. " + text)


def test_gate_never_changes_dev_rule_results() -> None:
    gated = SafetyNet.from_file(DATA)
    ungated = SafetyNet.from_file(DATA, use_gate=False)
    for text in DEV_RULES_NOT_CRISIS + DEV_RULES_CRISIS:
        assert gated.check(text) == ungated.check(text), text


@pytest.mark.parametrize(
    ("exclusion", "message"),
    [
        ({"id": "i", "regex": "b", "reach": 1}, "reach needs scope"),
        ({"id": "i", "regex": "b", "scope": "sentence", "applies_to": ["suicide.x"], "reach": 5}, "reach must be"),
    ],
)
def test_bad_reach_is_rejected(exclusion: dict, message: str) -> None:
    data = {"patterns": {"suicide": [{"id": "suicide.x", "regex": "a"}]}, "exclusions": {"idiom": [exclusion]}}
    with pytest.raises(ValueError, match=message):
        SafetyNet.from_dict(data)


def test_reach_lets_a_marker_in_the_next_sentence_exclude() -> None:
    base = {"patterns": {"suicide": [{"id": "suicide.x", "regex": r"\bzap\b"}]}}
    near = {"id": "i", "regex": r"\bsafe\b", "scope": "sentence", "applies_to": ["suicide.x"], "reach": 1}
    net = SafetyNet.from_dict({**base, "exclusions": {"idiom": [near]}})
    assert net.check("zap. safe") == []
    assert net.check("zap. other. safe")  # two sentences away: out of reach
    assert net.check("zap. safe. other. zap")  # the second zap is out of reach


def test_retro_dates_the_clause_before_it() -> None:
    rule = {"past": r"\blong ago\b", "present": r"\bnow\b", "recovery": r"\bwell\b", "relapse": r"\bagain\b",
            "retro": r"\bthat was ages ago\b"}
    data = {"patterns": {"suicide": [{"id": "suicide.x", "regex": r"\bzap\b"}]}, "past_resolved": rule}
    net = SafetyNet.from_dict(data)
    assert net.check("i had zap, but that was ages ago. i am well") == []
    assert net.check("i had zap. that was ages ago. i am well") == []
    assert net.check("i had zap. i am well")  # no past marker
    assert net.check("i had zap, but that was ages ago. i am well. zap again")  # relapse


def test_a_pattern_says_whom_its_crisis_is_about(net: SafetyNet) -> None:
    [hit] = net.check("my cousin just texted 'tell my mum im sorry' and her phone's dead now")
    assert (hit.pattern_id, hit.about) == ("plan_or_goodbye.someone_elses_goodbye", "someone_else")
    assert {hit.about for hit in net.check("I want to end my life tonight")} == {"her"}
    custom = SafetyNet.from_dict({"patterns": {"suicide": [{"id": "suicide.x", "regex": "a", "about": "someone_else"},
                                                           {"id": "suicide.y", "regex": "b"}]}})
    assert [(h.pattern_id, h.about) for h in custom.check("a b")] == [("suicide.x", "someone_else"),
                                                                       ("suicide.y", "her")]


def test_a_pattern_says_when_she_has_taken_it(net: SafetyNet) -> None:
    assert overdose_taken(net.check("necked the full strip of my sleepers an hour ago"))
    assert overdose_taken(net.check("knocked back the whole box of my zopiclone"))
    assert not overdose_taken(net.check("thinking of taking all my tablets tonight"))
    assert not overdose_taken(net.check("I want to end my life tonight"))
    assert not overdose_taken(net.check("my sister texted 'ive taken them all' and now her phone is off"))
    custom = SafetyNet.from_dict({"patterns": {"suicide": [{"id": "suicide.x", "regex": "a", "taken": True},
                                                           {"id": "suicide.y", "regex": "b"}]}})
    assert [(h.pattern_id, h.taken) for h in custom.check("a b")] == [("suicide.x", True), ("suicide.y", False)]
    with pytest.raises(ValueError, match="taken must be true or false"):
        SafetyNet.from_dict({"patterns": {"suicide": [{"id": "suicide.x", "regex": "a", "taken": "yes"}]}})


def test_an_unknown_about_is_rejected() -> None:
    with pytest.raises(ValueError, match="about must be one of"):
        SafetyNet.from_dict({"patterns": {"suicide": [{"id": "suicide.x", "regex": "a", "about": "him"}]}})
    with pytest.raises(ValueError, match="need about = 'someone_else'"):
        SafetyNet.from_dict({"patterns": {"suicide": [{"id": "suicide.x", "regex": "a", "about_when": "b"}]}})


# Her own crisis told beside someone she cannot reach is hers: crisis care must not answer it as a friend's.
HER_OWN_BESIDE_SOMEONE_SILENT = [
    "i've taken everything. my husband isn't answering his phone",
    "ive taken all my tablets and my partner's not picking up",
    "i can't do this anymore. my mum isnt answering and i'm alone with the baby",
    "swallowed them all, my husband is at work and not answering",
    "i took the lot tonight. partner's phone is off",
    "my husband texted he's working late and isnt answering now. i've taken everything",
    "thank you for everything. my mum's phone is off. i won't be around tomorrow",
]


@pytest.mark.parametrize("text", HER_OWN_BESIDE_SOMEONE_SILENT)
def test_her_own_crisis_beside_someone_silent_is_about_her(net: SafetyNet, text: str) -> None:
    hits = net.check(text)
    assert hits and any(hit.about == "her" for hit in hits)


def test_her_own_overdose_is_hers_and_another_womans_is_not_read_as_hers(net: SafetyNet) -> None:
    hers = net.check("took them all 20 mins ago. sorry")
    assert [(hit.pattern_id, hit.about) for hit in hers] == [("suicide.overdose_now", "her")]
    told = net.check("in the soap last night she took all her tablets and i was shaking watching it")
    assert "suicide.overdose_now" not in {hit.pattern_id for hit in told}


@pytest.mark.parametrize("text", [
    "my sister texted 'tell mum im sorry, look after the boys' and now her phone is off",
    "sister texted that she swallowed them all and now nothing",
    "got a voice note from my pal, slurring, said she'd taken a load. phone off now",
    "my cousin texted 'ive just taken them all, sorry' 20 mins ago and now she's not reading anything",
    # session 25: told by her alarm, with a weaker sign in what that person sent or left
    "my cousin texted 'i did it. love u' and now her phone is off. rang 999, what do i do",
    "my bestie sent a photo of a rope and nothing else, she isn't answering. i've called the police",
    "sil left her wedding ring and a note on the kitchen table and her car's gone. not picking up. brother's driving "
    "round looking for her",
])
def test_what_someone_else_sent_or_said_is_about_them(net: SafetyNet, text: str) -> None:
    hits = net.check(text)
    assert hits and all(hit.about == "someone_else" for hit in hits)
