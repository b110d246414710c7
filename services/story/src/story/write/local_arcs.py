"""The story arcs of the local writer: one table per theme, several phrasings per beat.

Every phrasing is a `str.format` template over the slots that `local.py` fills:

- the hero: {hero} ("Max", "the smiling friend"), {hero_s} (possessive), {hero_call}
  (for "Goodnight, ..."), {hero_intro} (first mention: "a purple dragon named Max"),
  with agreement {was}, {is}, and {they} {them} {their}, {i} for speech;
- the drawing: {in_setting} ("in a sunny meadow"), {in_the_setting}, {colour},
  {colour2}, {detail} ("a tree", "the sun"), {the_detail}, {detail_bare} ("tree"),
  and {the_landmark} ("the tree") and {landmark2}, details one can stand beside;
- the scene's world (`WORLDS`, one per `SceneSetting`): {in_setting} and {in_the_setting}
  are where the scene happens, {the_landmark} and {landmark2} something there, {towards}
  the way there; {travelled} is how the hero goes ("zoomed", "swam", "galloped"), and
  {goal} the far place an adventure sets off for;
- the story: {when}, the theme's props below, {n} and {count_up} (a number suited to
  the age), and in context lines {context}, {likes}, {person}, {context_sentence} or
  {missed}, {virtue} and {lesson};
- word banks ({glad}, {big}, {lovely}, {went}, {said}) whose words grow with the age.

A capitalised slot name ({Hero}, {They}) gives the value capitalised. Text in
[single brackets] is read from age 6 and text in [[double brackets]] from age 8,
so older children get longer sentences and a little humour from the same arc.

A quote that ends a sentence with "!" or "?" is followed by a lowercase word
('"Hello!" said Max'), so a narrator, and the tests, can tell where sentences end.

Sentence budgets keep every scene within four sentences (the tests hold them):
- little (ages 2-3): openings 3 sentences, wishes 1, other beats at most 2;
- big (ages 4-9): tryings and turns at most 2 sentences outside brackets, since they
  share a scene at ages 4-5; wishes at most 3 with brackets, as an echo may follow;
  resolutions at most 2, as a closing of up to 2 may follow; other beats at most 4.

A theme's props are chosen once per story, so whichever phrasing each beat gets,
the beats tell the same story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shared.domain.models import SceneSetting, Theme


@dataclass(frozen=True)
class Phrasings:
    little: tuple[str, ...]  # ages 2-3: very short sentences, simple words
    big: tuple[str, ...]  # ages 4-9, with [6+] and [[8+]] parts


@dataclass(frozen=True)
class Arc:
    titles: tuple[str, ...]
    when: Phrasings
    # Each group offers alternatives; one is picked from every group per story.
    props: tuple[tuple[Mapping[str, str], ...], ...]
    wish: Phrasings  # the gentle problem or wish
    trying: Phrasings
    twist: tuple[str, ...]  # ages 8-9 only: a small surprise before the turn
    turn: Phrasings
    resolution: Phrasings  # warm, says the lesson softly
    echo: tuple[str, ...]  # ages 4-9: likens the wish to the child's {context}
    virtue: str  # "you can be {virtue} about {context} too", for ages 2-3
    lesson: str  # the lesson in a few words, for the closing line
    # Props that take the place of `props`' when the story starts in one of these worlds: nobody meets a
    # lost bunny at the bottom of the sea. Each world's groups set the same slots as the props they replace.
    props_in: Mapping[SceneSetting, tuple[tuple[Mapping[str, str], ...], ...]] = field(default_factory=dict)


OPENING = Phrasings(
    little=(
        "{When}, there {was} {hero_intro}. {They} lived {in_setting}. {They} saw {detail} and {colour} flowers.",
        "Here {is} {hero_intro}. {They} played {in_setting}. {They} saw {detail} and something {colour}.",
        "Meet {hero_intro}. {They} loved {the_detail} and everything {colour}. {Hero} lived {in_setting}.",
    ),
    big=(
        "{When}, {hero_intro} {was} playing {in_setting}. "
        "{They} waved hello to {detail}[, just like every day]"
        "[[, even though {the_detail} had never once waved back]]. "
        "Everything nearby was {colour} and {colour2}.",
        "Once upon a time, {in_setting}, there lived {hero_intro}. "
        "{Hero_s} favourite colour was {colour}[, as bright as a button]"
        "[[, and {they} had a {colour} sock to prove it]]. "
        "{They} loved looking at {detail}.",
        "This is the story of {hero_intro}. "
        "{They} lived {in_setting} and loved {the_detail}. "
        "Anything {colour} made {them} smile[, from {colour} leaves to {colour2} pebbles]"
        "[[, and once, briefly, a {colour} beetle who did not stop to chat]].",
    ),
)

# Ages 8-9 only: a funny moment that fits between any theme's beats.
DETOUR = (
    "Just then, a very serious snail slid by and announced that it was in a tremendous hurry. "
    "{Hero} politely moved aside and waited, and waited, and waited, because it was, after all, a snail.",
    "Just then, {hero} sneezed so loudly that three leaves floated down from a nearby tree. "
    '"Bless you," said a polite squirrel, who had been napping until that very moment.',
    "Just then, a frog hopped up beside {hero} and stared for a very long time. "
    'At last it croaked once, which is frog for "nice to meet you", and hopped away looking very pleased.',
    "Just then, a cloud drifted overhead in the exact shape of a teapot. "
    "{Hero} waited for it to pour, but it never did, which was probably for the best.",
)

# Ends the story when the parent gave a personal context.
CLOSING = Phrasings(
    little=("You can be {virtue} about {context} too.",),
    big=(
        "Maybe you are thinking about {context} too.[ {Hero} would tell you that {lesson}.]",
        "Just like {hero}, you might be thinking about {context}.[ Remember: {lesson}.]",
    ),
)

# When the context is what the child loves ({likes}: "dinosaurs and trains"), someone in
# their life ({person}: "your best friend Maya"), or a sentence the narrator says to the
# child ({context_sentence}: "You are a big sister now."), these take the place of the
# theme's echo and closing, which liken the hero's wish to an event in the child's life.
LIKES_ECHO = ("{Hero} loved {likes}, just like you.", "{They} thought about {likes}, the best things in the world.")
LIKES_CLOSING = Phrasings(
    little=("Do you love {likes} too?",),
    big=("Maybe one day, {hero} will share {likes} with you.[ {Hero} would tell you that {lesson}.]",),
)
PERSON_ECHO = ("{Hero} wished {person} could be there too.", "{Hero} thought of {person}[, who would have loved this].")
PERSON_CLOSING = Phrasings(
    little=("You can tell {person} all about it.",),
    big=("Maybe you can tell {person} all about {hero} tomorrow.[ Remember: {lesson}.]",),
)
SENTENCE_CLOSING = Phrasings(
    little=("{Context_sentence}",),
    big=("{Context_sentence}[ {Hero} would tell you that {lesson}.]",),
)

# When the parent told of a loss, or of someone the child misses ({missed}: "your grandpa"),
# these take the place of the theme's echo and of the closing: gentle, in the story's own
# words (never the parent's "passed away"), true whether that someone died or moved away.
LOSS_ECHO = (
    "Sometimes we miss someone we love very much, like {missed}[, and that is all right].",
    "Missing someone, like {missed}, can feel big[, and it is fine to feel a little sad].",
)
LOSS_CLOSING = Phrasings(
    little=("You can miss {missed} and still feel loved.", "It is all right to miss {missed}. Love stays with you."),
    big=(
        "Maybe you are missing {missed} too.[ {Hero} would tell you that love stays with us, always.]",
        "When you miss {missed}, you can remember the happy times.[ The ones we love stay in our hearts.]",
    ),
)

ARCS: Mapping[Theme, Arc] = {
    Theme.ADVENTURE: Arc(
        titles=("{Hero_s} Big Adventure", "{Hero} and the Way to {goal}", "An Adventure for {hero}"),
        when=Phrasings(
            little=("One sunny day", "One morning"),
            big=("One bright morning", "One breezy afternoon", "Early one sparkling morning"),
        ),
        props=(
            (
                {"treasure": "a treasure chest"},
                {"treasure": "a sparkly waterfall"},
                {"treasure": "a box of shiny stones"},
            ),
        ),
        wish=Phrasings(
            little=(
                "{They} wanted to go to {goal}.",
                '"Let\'s go exploring!" said {hero}.',
                "{They} wanted to see {goal}.",
            ),
            big=(
                "{Hero} had always wanted to visit {goal}. "
                '"Today is the day!" {they} {said}[, packing a snack and a sunhat]'
                "[[, and then a second snack, in case the first one got lonely]].",
                "Beside {the_landmark}, {hero} found an old map. "
                "It showed the way to {goal}[, marked with a {colour2} star]"
                "[[ that someone had drawn three times, just to be sure]].",
                "A little bird chirped about {goal}. "
                "It sounded like the most {lovely} place in the world"
                "[, and {hero} simply had to see it].",
            ),
        ),
        trying=Phrasings(
            little=(
                "{Hero} {travelled} on and on. Far, far away!",
                "{Hero} {travelled} past {the_landmark}. Whoosh, on and on!",
                "Off {travelled} {hero}. What a long way!",
            ),
            big=(
                "{Hero} {travelled} past {the_landmark}[ and a row of {colour2} flowers]. "
                "The way twisted this way and that[, and {hero} followed every twist]"
                "[[, passing the same snail twice]].",
                "The way led on past {landmark2}. "
                "{They} kept going, on and on[, humming a travelling song]"
                '[[ that had only one word, which was "onwards"]].',
                "{Hero} {travelled} on past {the_landmark}. "
                "The way was long, but {hero} kept going[ and did not give up]"
                "[[, except once, very briefly, for a snack]].",
            ),
        ),
        twist=(
            'Then something surprising happened: the way split in two, and both ways had a sign saying "This way!" '
            "{They} giggled, picked the way with more flowers, and it turned out to be a shortcut.",
            "Halfway there, {hero} noticed that a small, very determined beetle had been following along. "
            "It turned out the beetle knew the way, and it proudly marched in front to lead {them}.",
            "Suddenly {hero} could not tell which way to go. "
            "Then {they} noticed a trail of {colour} hearts shining ahead, as if someone had been expecting visitors.",
        ),
        turn=Phrasings(
            little=(
                "Then {they} saw it. {Treasure}!",
                "Hooray! {Hero} found {treasure}.",
                "Look, {treasure}! So pretty!",
            ),
            big=(
                "At last, {hero} reached {goal}. There {they} found {treasure}[, even more {lovely} than {they} had imagined]!",
                "Just around a corner, there it was: {treasure}! "
                "{Hero} gasped with delight[ and did a little happy dance][[ that was mostly wiggling]].",
                '{Hero} pushed aside some leaves and found {treasure}. "{I} did it!" {they} cheered[, and the wind seemed to cheer too].',
            ),
        ),
        resolution=Phrasings(
            little=(
                "{Hero} {travelled} home, tired and happy. New places are fun!",
                "What a big day! Home again, home again.",
                "{Hero} had a nap at home. Exploring is so much fun!",
            ),
            big=(
                "As the sun set, {hero} {went} home, full of stories. "
                "New places are {lovely} to explore[, and home is the cosiest place to come back to].",
                "That night, {hero} told everyone about the adventure. "
                "The world is full of wonders for curious explorers"
                "[ who take the first step][[ and remember to pack snacks]].",
                "{Hero} got home in time for supper[, tired][ and smiling]. Exploring is {lovely}, and so is coming home.",
            ),
        ),
        echo=(
            "It was a bit like {context}[: exciting, and a tiny bit wobbly].",
            "New places can feel big, like {context}.",
        ),
        virtue="brave",
        lesson="every new thing is a little adventure",
    ),
    Theme.KINDNESS: Arc(
        titles=("{Hero} and the {buddy}", "{Hero_s} Kind Heart", "A Kind Day for {hero}"),
        when=Phrasings(
            little=("One sunny day", "One morning"),
            big=("One sunny morning", "One warm afternoon", "One fine day"),
        ),
        props=(
            (
                {"buddy": "little bird", "home": "nest"},
                {"buddy": "baby hedgehog", "home": "leafy bed"},
                {"buddy": "small duck", "home": "pond"},
                {"buddy": "fluffy bunny", "home": "burrow"},
            ),
            ({"helper": "squirrel"}, {"helper": "hedgehog"}),
        ),
        wish=Phrasings(
            little=(
                "{They} met a sad {buddy}.",
                "A {buddy} was lost and sad.",
                '"Where is my {home}?" said a {buddy}.',
            ),
            big=(
                "Near {the_landmark}, {hero} found a {buddy} sniffling softly. "
                '"I can\'t find my {home}," it said[ in a tiny voice]'
                "[[, and then it hiccupped, which did not help at all]].",
                "{Hero} heard a small, sad sound. "
                "It was a {buddy} who could not find its {home}[ anywhere][[, not even in the obvious places]].",
                'A {buddy} sat all alone, looking lost. "Are you all right?" asked {hero} gently[, coming close].',
            ),
        ),
        trying=Phrasings(
            little=(
                '{Hero} gave the {buddy} a hug. "Let\'s find your {home}!"',
                "{Hero} shared a snack. Then they looked and looked.",
            ),
            big=(
                "{Hero} shared a snack with the {buddy}. "
                "Then they set off to look for its {home}[, peeking here and there]"
                "[[ and under every leaf, even the leaves that were far too small]].",
                "{Hero} carried the {buddy} past {landmark2}. "
                '"Don\'t worry," {they} said, "we will find it together."'
                "[ The {buddy} snuggled in and felt a little better.]",
                "{Hero} asked a busy {helper} for help. "
                "The {helper} pointed the way[ and wished the {buddy} luck, which made it feel braver].",
            ),
        ),
        twist=(
            "Then the {buddy} whispered a secret: it had not only been lost, it had been lonely too. "
            "{Hero} promised to visit every single day, which made the {buddy} do a happy little wiggle.",
            "It turned out the {buddy} was very good at one thing: spotting {colour} things. "
            "It spotted {colour} berries, {colour} pebbles, and at last a {colour} ribbon tied right beside its {home}.",
            "Then they heard someone calling, and guess who it was? "
            "The {buddy}'s whole family had been out looking too, and they were just as {glad} to be found.",
        ),
        turn=Phrasings(
            little=(
                "There it was, the {home}! The {buddy} was so happy.",
                "They found the {home}! Hooray!",
            ),
            big=(
                "At last they found the {home}. "
                "The {buddy} snuggled in with a happy sigh[, and its family gathered round to say thank you].",
                "Past a row of {colour2} flowers, the {buddy} squeaked with joy. "
                "It was home[, safe and sound][[, and a little embarrassed that home had been so close all along]].",
                '"My {home}!" cried the {buddy}, hurrying inside. Then it popped back out to say thank you[ to {hero}].',
            ),
        ),
        resolution=Phrasings(
            little=(
                '"Thank you!" said the {buddy}. Being kind feels good.',
                "{Hero} felt warm inside. Kind hearts help!",
            ),
            big=(
                "{Hero} {went} home feeling warm inside. A little kindness can make a big difference[, even to someone very small].",
                "From that day on, the {buddy} and {hero} were best friends. "
                "Being kind makes everyone feel warm[, like sunshine][[ on a chilly morning]].",
                "That evening, {hero} smiled, thinking about the {buddy}. "
                "Helping others makes the world a little brighter[, one kind act at a time].",
            ),
        ),
        echo=(
            "New things, like {context}, can feel big[, and kindness makes them feel smaller].",
            "Everyone needs a helping hand with big new things, like {context}.",
        ),
        virtue="kind",
        lesson="a little kindness goes a long way",
        props_in={
            **dict.fromkeys(
                (SceneSetting.SEA, SceneSetting.LAKE),
                (
                    (
                        {"buddy": "baby seahorse", "home": "coral cave"},
                        {"buddy": "little crab", "home": "rock pool"},
                        {"buddy": "tiny starfish", "home": "sandy nook"},
                    ),
                    ({"helper": "dolphin"}, {"helper": "turtle"}),
                ),
            ),
            **dict.fromkeys(
                (SceneSetting.SKY, SceneSetting.SPACE, SceneSetting.NIGHT_SKY),
                (
                    (
                        {"buddy": "baby cloud", "home": "flock of clouds"},
                        {"buddy": "little star", "home": "place in the sky"},
                        {"buddy": "young swallow", "home": "nest"},
                    ),
                    ({"helper": "owl"}, {"helper": "comet"}),
                ),
            ),
        },
    ),
    Theme.BRAVERY: Arc(
        titles=("{Hero_s} Brave Day", "{Hero} and {thing}", "{Hero} and the Wobbly Feeling"),
        when=Phrasings(
            little=("One sunny day", "One morning"),
            big=("One bright morning", "One sunny afternoon", "One fine day"),
        ),
        props=(
            (
                # Things any hero can do, whether it swims, flies or walks.
                {"do": "sing a song for everyone", "thing": "the little stage"},
                {"do": "join the big parade", "thing": "the big parade"},
                {"do": "dance at the talent show", "thing": "the talent show"},
            ),
        ),
        wish=Phrasings(
            little=(
                "{They} wanted to {do}.",
                "{They} felt wobbly about {thing}.",
            ),
            big=(
                "{Hero} really wanted to {do}. But {their} tummy felt wobbly[, like jelly on a plate][[ that someone had just bumped]].",
                "Everyone said {thing} was great fun. {Hero} wanted to try, but {they} felt wiggly inside.",
                "Today {hero} would {do}. That was the plan, anyway[, until {they} saw how {big} {thing} looked up close].",
            ),
        ),
        trying=Phrasings(
            little=(
                "{Hero} took a big breath. In, and out.",
                'A friendly frog said, "You can do it!"',
            ),
            big=(
                '{Hero} took a deep breath, in and out. A friendly frog said, "You can do it!"[ {Hero} felt a tiny bit braver.]',
                "{Hero} tried a little bit, then a little more. "
                "Each small step made the wobbly feeling smaller[, like a puddle drying in the sun].",
                '"Little steps are still steps," said a wise old owl. So {hero} held {their} head up high[ and counted to three].',
            ),
        ),
        twist=(
            "Then {hero} noticed that a little frog nearby was feeling wobbly too! "
            "So they decided to be brave together, and counted out loud: one, two, three.",
            "And guess what? When {hero} looked closely, {thing} was not nearly as big as it had seemed from far away. "
            "In fact, it almost seemed to be smiling.",
            "Just then, {hero} had a funny thought: what if the wobbly feeling was really an excited feeling in disguise? "
            "That made {them} giggle so much that the wobbles giggled away too.",
        ),
        turn=Phrasings(
            little=(
                "One, two, three, go! {Hero} did it!",
                "And {hero} did it! Hooray!",
            ),
            big=(
                "Then, with a big smile, {hero} did it! {They} managed to {do}[, and it was more fun than {they} had hoped].",
                "One, two, three, go! {Hero} did it, and the wobbles turned into giggles[ that fizzed all over].",
                "{Hero} tried once, and then again. Soon {they} could {do}[, and everyone cheered][[, including a very surprised duck]].",
            ),
        ),
        resolution=Phrasings(
            little=(
                "{Hero} felt so proud. Hooray for trying!",
                "{Hero} {was} brave! Trying new things is fun.",
            ),
            big=(
                "{Hero} felt proud and tall. Being brave means trying, even when you feel wobbly[ inside].",
                "That night, {hero} could not stop smiling. Brave hearts come in all sizes[, even the very smallest].",
                '{Hero} said proudly, "{I} did it!" The bravest thing is simply to try[, one little step at a time].',
            ),
        ),
        echo=(
            "It felt a bit like {context}[: exciting, and a little wobbly too].",
            "New things, like {context}, can feel like that.",
        ),
        virtue="brave",
        lesson="you can feel wobbly and still be brave",
    ),
    Theme.BEDTIME: Arc(
        titles=("Goodnight, {hero_call}", "{Hero_s} Sleepy Night"),
        when=Phrasings(
            little=("One night", "At bedtime"),
            big=("One quiet evening", "As the stars came out one evening", "One soft, sleepy evening"),
        ),
        props=(
            ({"singer": "the crickets"}, {"singer": "the gentle wind"}, {"singer": "a sleepy owl"}),
            ({"cuddly": "a soft blanket"}, {"cuddly": "a fluffy quilt"}, {"cuddly": "a patchwork quilt"}),
        ),
        wish=Phrasings(
            little=(
                "Night came, but {they} did not feel sleepy.",
                "Up came the moon, but {they} felt wide awake.",
            ),
            big=(
                "The first star twinkled in the sky. "
                "It was bedtime, but {hero} {was} not sleepy[, not even a tiny bit]"
                "[[, or so {they} said, between yawns]].",
                "It was bedtime, but {hero} had a question. "
                '"Where does the sun go at night?" {they} wondered[, looking out at the evening sky].',
                "The moon peeked over {the_landmark}. "
                "{Hero} wanted to say goodnight to everything[, every single thing]"
                "[[, which was going to take quite a while]].",
            ),
        ),
        trying=Phrasings(
            little=(
                '"Goodnight, {detail_bare}," said {hero}. "Goodnight, moon."',
                "{Hero} got into bed with {cuddly}. So cosy.",
            ),
            big=(
                '"Goodnight, {detail_bare}," {hero} whispered. "Goodnight, {colour} flowers, and goodnight, stars."',
                "{Hero} snuggled into {cuddly} and listened. {Singer} sang a soft, slow song[, like a lullaby made of starlight].",
                "{Hero} counted the stars: one, two, three, and more. "
                "Each star blinked back, as if saying goodnight[ in its own quiet way].",
            ),
        ),
        twist=(
            "Then {hero} noticed something funny: the moon looked like it was yawning too! "
            "Even the moon, it seemed, needed a good rest before another busy night.",
            "Just as {hero} {was} about to ask one more question, {singer} gave a great big yawn. "
            "{Hero} giggled, because it turned out everyone needs sleep, even {singer}.",
            "Then {hero} had a surprising idea: maybe dreams are little adventures you can have without leaving your bed. "
            "Suddenly, going to sleep sounded rather exciting.",
        ),
        turn=Phrasings(
            little=(
                "{Singer} sang a soft song. La, la, la.",
                "{Hero} gave a big yawn. Yaaawn!",
            ),
            big=(
                'Slowly, {hero_s} eyes grew heavy. {Singer} sang softly, and the world whispered, "Sleep now."',
                "{Hero} gave one last {big} yawn. "
                "Warm and cosy under {cuddly}, {they} began to drift off[, like a little boat on a calm sea].",
                "The stars twinkled, and everything grew still. {Hero} felt calm and snug[, wrapped up in {cuddly}].",
            ),
        ),
        resolution=Phrasings(
            little=(
                "{Hero} closed {their} eyes. Goodnight, {hero_call}.",
                "Soon {hero} {was} fast asleep. Sweet dreams!",
            ),
            big=(
                "Soon {hero} {was} fast asleep, dreaming {colour} dreams. Rest helps us grow, so goodnight, {hero_call}.",
                "And so {hero} slept peacefully all night long. A good night's sleep makes tomorrow bright[ and new].",
                "{Hero} closed {their} eyes with a sleepy smile. Everything can wait until morning, so sweet dreams, {hero_call}.",
            ),
        ),
        echo=("Big days, like {context}, can wait until morning[, because tonight is for resting].",),
        virtue="calm",
        lesson="a good rest makes tomorrow bright",
        props_in={
            **dict.fromkeys((SceneSetting.SEA, SceneSetting.LAKE), (({"singer": "the gentle waves"}, {"singer": "a sleepy whale"}),)),
            **dict.fromkeys(
                (SceneSetting.SKY, SceneSetting.SPACE, SceneSetting.NIGHT_SKY),
                (({"singer": "the gentle wind"}, {"singer": "the twinkling stars"}),),
            ),
        },
    ),
    Theme.FRIENDSHIP: Arc(
        titles=("{Hero} and the {pal}", "A Friend for {hero}"),
        when=Phrasings(
            little=("One sunny day", "One morning"),
            big=("One sunny morning", "One bright afternoon", "One fine day"),
        ),
        props=(
            ({"pal": "shy little fox"}, {"pal": "quiet young giraffe"}, {"pal": "new kitten"}, {"pal": "small grey rabbit"}),
            ({"game": "hide and seek"}, {"game": "leapfrog"}, {"game": "catch"}),
        ),
        wish=Phrasings(
            little=(
                "{They} saw a {pal} all alone.",
                "A {pal} wanted to play too.",
            ),
            big=(
                "Before long, {hero} noticed a {pal} sitting alone. "
                "It wanted to play but felt too shy to ask[, so it just watched][[ and pretended to be a bush]].",
                "{Hero} wished for someone new to play with. "
                "Then a {pal} peeked out from behind {the_landmark}[, then quickly hid again]"
                "[[, although its tail was still sticking out]].",
                "A {pal} had just moved in nearby. "
                "{Hero} wanted to say hello but felt shy[, because new friends can feel like a big surprise].",
            ),
        ),
        trying=Phrasings(
            little=(
                '"Hello!" said {hero}. "Want to play?"',
                "{Hero} waved and smiled. The {pal} smiled back.",
            ),
            big=(
                "{Hero} {travelled} over and said hello. "
                "The {pal} gave a tiny, shy smile[ and a very small wave]"
                "[[ that was mostly a wiggle of the ears]].",
                '{Hero} shared a {colour} treasure with the {pal}. "Want to play {game}?" {they} asked.',
                "At first, the {pal} did not say much. So {hero} sat nearby and waited[, because friendship can take a little time].",
            ),
        ),
        twist=(
            "Then they discovered something surprising: they both loved the colour {colour}! "
            "They spent ages pointing at {colour} things, and even spotted a {colour} kite high in the sky.",
            "It turned out the {pal} knew the funniest jokes in the whole neighbourhood. "
            "One was about a sneezing teapot, and {hero} laughed so hard that {they} got the hiccups.",
            "Then {hero} found out that the {pal} had been hoping to make a friend too. They had both been shy about the very same thing!",
        ),
        turn=Phrasings(
            little=(
                "They played {game} all day. So much fun!",
                "Now they were friends! Hooray!",
            ),
            big=(
                "Soon they were playing {game} and laughing[ until their tummies wobbled]. The {pal} was not shy anymore.",
                "They played {game} all afternoon[, taking turns and sharing]. The {pal} smiled the biggest smile of all.",
                "Together, they built a little den out of leaves. It was the best den ever[, because they made it together].",
            ),
        ),
        resolution=Phrasings(
            little=(
                "Now {hero} had a new friend. Friends make days fun!",
                '"See you tomorrow!" they said. Friends are the best.',
            ),
            big=(
                'At home time, the {pal} waved goodbye. "See you tomorrow, friend!" it called[, and {hero} felt warm all over].',
                "From then on, {hero} and the {pal} were best friends. A friendly hello can start something wonderful.",
                "{Hero} {went} home with a happy heart. Friends make every day brighter[, and the cloudy days cosier].",
            ),
        ),
        echo=("Meeting someone new is a bit like {context}[: exciting, and a little shy].",),
        virtue="kind",
        lesson="a friendly hello makes new things easier",
        props_in={
            **dict.fromkeys(
                (SceneSetting.SEA, SceneSetting.LAKE),
                (({"pal": "shy little octopus"}, {"pal": "quiet young turtle"}, {"pal": "small silver fish"}),),
            ),
            **dict.fromkeys(
                (SceneSetting.SKY, SceneSetting.SPACE, SceneSetting.NIGHT_SKY),
                (({"pal": "shy little comet"}, {"pal": "quiet young moon"}, {"pal": "small twinkly star"}),),
            ),
        },
    ),
    Theme.COUNTING: Arc(
        titles=("{n} {items} for {hero}", "{Hero_s} Counting Day"),
        when=Phrasings(
            little=("One sunny day", "One morning"),
            big=("One busy morning", "One sunny afternoon", "One fine day"),
        ),
        props=(
            (
                {"item": "acorn", "items": "acorns"},
                {"item": "shell", "items": "shells"},
                {"item": "apple", "items": "apples"},
                {"item": "pebble", "items": "pebbles"},
                {"item": "strawberry", "items": "strawberries"},
            ),
            (
                {"occasion": "a picnic", "the_occasion": "the picnic"},
                {"occasion": "a party", "the_occasion": "the party"},
                {"occasion": "a tea party", "the_occasion": "the tea party"},
            ),
        ),
        wish=Phrasings(
            little=(
                "{They} needed {n} {items} for {occasion}.",
                "{They} wanted {n} {items}.",
            ),
            big=(
                "{Hero} {was} getting ready for {occasion}. {They} needed {n} {items}, one for each friend.",
                '"We need {n} {items} for {occasion}!" said a busy mouse. {Hero} {was} happy to help[ and went to look right away].',
                "{Hero} wanted to bring {n} {items} to {the_occasion}. But where could {they} find so many?",
            ),
        ),
        trying=Phrasings(
            little=(
                "{Hero} looked near {the_landmark}. One {item}!",
                "{Hero} found one {item}. Then another!",
            ),
            big=(
                "{Hero} looked near {the_landmark} and found one {item}. "
                "Then {they} found two more[ behind a {colour2} flower][[, and another by a log]].",
                "{Hero} searched high and low. "
                "{They} counted each {item} carefully[, putting them in a neat little row]"
                "[[, which a passing ant tried to join]].",
                "{Hero} found {items} near {the_landmark}[ and beside {landmark2}]. {They} counted slowly and carefully[, so as not to lose count].",
            ),
        ),
        twist=(
            "But when {hero} counted again, there was one too many! "
            "It turned out that one of the {items} was actually a snail having a nap, so {they} gently put it back.",
            "Then {hero} counted again and found one missing! "
            "A cheeky squirrel had borrowed it, and it gave it back with a very polite bow.",
            "Just then, {hero} remembered that one more friend was coming to {the_occasion}. "
            "Luckily, one more {item} was hiding under a leaf, as if it had been waiting.",
        ),
        turn=Phrasings(
            little=(
                "{Count_up}! {Hero} had {n} {items}.",
                "{Count_up}! Hooray!",
            ),
            big=(
                "{Hero} lined them up and counted: {count_up}! There were {n} {items}, one for everyone.",
                '"{Count_up}," counted {hero}. "{N} {items}, just right!"',
                "At last, the basket was full. {Hero} counted: {count_up}![ Nobody would be left out.]",
            ),
        ),
        resolution=Phrasings(
            little=(
                "{Hero} shared the {items}. One for everyone!",
                "{N} {items}, all for {occasion}! Counting is fun.",
            ),
            big=(
                "At {the_occasion}, {hero} shared the {items}. "
                "There were just enough for everybody[, because {they} had counted carefully, one by one].",
                "Everyone said thank you to {hero}. Counting is fun, especially when it helps your friends[, one by one].",
                "That evening, {hero} counted the stars until {their} eyes grew sleepy. Big jobs are easier one step at a time.",
            ),
        ),
        echo=("Big things, like {context}, go one step at a time[, just like counting].",),
        virtue="patient",
        lesson="big things go best one step at a time",
    ),
    Theme.NATURE: Arc(
        titles=("{Hero} and the Little Seed", "{Hero_s} {plant}"),
        when=Phrasings(
            little=("One sunny day", "One spring morning"),
            big=("One fresh spring morning", "One sunny afternoon", "Early one dewy morning"),
        ),
        props=(({"plant": "sunflower"}, {"plant": "daisy"}, {"plant": "tulip"}, {"plant": "poppy"}),),
        wish=Phrasings(
            little=(
                "{They} found a tiny seed.",
                "{They} wanted to grow a {plant}.",
            ),
            big=(
                "{Hero} found a tiny seed beside {the_landmark}. "
                '"What will you grow into?" {they} wondered[, turning it over and over]'
                "[[ as if the seed might answer]].",
                "{Hero} wanted to grow a {plant}. So {they} planted a tiny seed {in_the_setting}.",
                "A bee buzzed by and dropped a tiny seed right beside {hero}. {Hero} decided to plant it[ and see what would happen].",
            ),
        ),
        trying=Phrasings(
            little=(
                "{Hero} gave it water. Drip, drop, drip!",
                "The sun came out. {Hero} waited and waited.",
            ),
            big=(
                "Every day, {hero} gave the seed some water. "
                "The sun shone, the rain fell, and {hero} waited[, which is the hardest part of gardening].",
                "{Hero} watered the seed and talked to it kindly. "
                "Nothing happened for days[, but {they} kept caring for it anyway]"
                "[[, even singing to it, slightly out of tune]].",
                "{Hero} gave the seed sunshine, water and room to grow. A friendly worm kept the soil soft[ and crumbly].",
            ),
        ),
        twist=(
            "One morning, {hero} found a tiny green shoot, but it was growing sideways! "
            "It was simply reaching for the sun, so {they} laughed and let it grow its own way.",
            "Then {hero} discovered that the little sprout had company: a sleepy ladybird had made it its home. "
            "{Hero} decided there was room enough for both.",
            "For a while, {hero} thought that nothing was happening at all. "
            "But under the ground, where nobody could see, the roots had been busy growing all along.",
        ),
        turn=Phrasings(
            little=(
                "Up came a {colour} {plant}! Wow!",
                "The seed grew into a {colour} {plant}!",
            ),
            big=(
                "One morning, a tiny green shoot poked out. It grew and grew into a {colour} {plant}[ as bright as a smile].",
                "Slowly, the sprout grew taller than {hero}. At the top bloomed a {colour} {plant}[, nodding in the breeze].",
                "At last, the seed became a {colour} {plant}. Bees came to visit[, and butterflies danced around it].",
            ),
        ),
        resolution=Phrasings(
            little=(
                "{Hero} loved the {plant}. Good things grow slowly.",
                "Hello, little {plant}! {Hero} felt so happy.",
            ),
            big=(
                "{Hero} sat beside the {plant} and smiled. When we care for nature, beautiful things grow[, slowly but surely].",
                "Every morning, {hero} said hello to the {plant}. Good things take time to grow[, just like the {plant}].",
                "{Hero} saved some seeds for next spring. Looking after nature helps it bloom[, one little seed at a time].",
            ),
        ),
        echo=("Waiting for new things, like {context}, takes patience[, just like growing a seed].",),
        virtue="patient",
        lesson="good things grow when we are patient",
    ),
}


@dataclass(frozen=True)
class World:
    """How a story speaks of one of the places a scene can happen in (a `SceneSetting`)."""

    place: str  # where one is: "up among the clouds"
    towards: str  # the way there: "up into the clouds"
    landmarks: tuple[str, str]  # things one can be beside there
    goal: str  # the far place an adventure sets off for


WORLDS: Mapping[SceneSetting, World] = {
    SceneSetting.MEADOW: World("in the green meadow", "out to the green meadow", ("a patch of clover", "a big daisy"), "the tall hill"),
    SceneSetting.HOME: World("at home", "back indoors", ("the cosy armchair", "the toy box"), "the attic"),
    SceneSetting.NIGHT_SKY: World(
        "under the moon and stars", "out under the moon and stars", ("the silver moon", "a twinkling star"), "the brightest star"
    ),
    SceneSetting.SKY: World("up among the clouds", "up into the clouds", ("a fluffy cloud", "a flock of birds"), "the highest cloud"),
    SceneSetting.SPACE: World("out among the planets", "up, up into space", ("a ringed planet", "a silver comet"), "the ringed planet"),
    SceneSetting.SEA: World(
        "in the deep blue sea", "down into the deep blue sea", ("a coral reef", "a wavy strand of seaweed"), "the coral castle"
    ),
    SceneSetting.LAKE: World("at the quiet lake", "over to the quiet lake", ("a lily pad", "a patch of reeds"), "the little island"),
    SceneSetting.FOREST: World("in the green forest", "into the green forest", ("an old oak tree", "a mossy log"), "the far woods"),
    SceneSetting.TOWN: World("in the busy town", "into the busy town", ("the little bakery", "the town clock"), "the clock tower"),
    SceneSetting.SNOW: World(
        "in the snowy hills", "off to the snowy hills", ("a snowy fir tree", "a sparkly snowdrift"), "the snowy mountain"
    ),
}

# The time of day of a story that starts under the night sky, in place of its theme's sunny mornings.
NIGHT_WHEN = Phrasings(little=("One night",), big=("One starry night", "One quiet evening", "Late one moonlit night"))

# Begins a scene in another world than the last one's; at most one sentence, so scenes stay within their budget.
ARRIVAL = Phrasings(
    little=("{They} {travelled} {towards}.",),
    big=("Then {hero} {travelled} {towards}.", "Next, {hero} {travelled} {towards}.", "Off {travelled} {hero}, {towards}."),
)
# Begins the last scene when the story comes back to where it started.
# Without the word "home", which the theme's own ending may say ("went home, full of stories").
RETURN = Phrasings(
    little=("Soon {hero} {was} back {in_the_setting}.",),
    big=("At last, {hero} {was} back {in_the_setting}.", "Before long, {hero} {was} back {in_the_setting}."),
)
