"""Realistic demo notes, for demos and benchmarks (deterministic for a given seed)."""

from __future__ import annotations

import itertools
import random
from bisect import bisect
from datetime import timedelta

from sqlalchemy import insert, select

from ..extensions import db
from ..models import Note, Revision, Tag, note_tags, utcnow

WORDS = """
account action address agenda answer apple approach area argument article aspect audit autumn
balance basket battery beach bicycle birthday blanket book border bottle branch bread breakfast
bridge budget building cabinet calendar camera campaign candle capital carpet castle ceiling
chapter chart cheese chicken chocolate church circle client climate clock cloud coffee colour
comment company concert contract cookie corner cotton council country course cousin customer
dance deadline debate decision delivery design desk detail diary dinner direction doctor draft
dream drawing driver editor effort election energy engine evening event exam expense factory
family farmer feature festival field figure finance flight floor flower forest format friend
garden garlic gift glass goal guitar habit hammer harbour health holiday homework hospital hotel
idea income insight interview invoice island journal journey kettle kitchen ladder language
laptop lesson letter library license lunch machine magazine manager market meeting memory menu
message method minute mirror model moment morning mountain museum music neighbour network
notebook number office onion orange order outline oven package painting paper parent party
passport payment pencil pepper picture pizza planet plant pocket poem policy potato practice
printer problem process product project promise proposal question quote radio receipt recipe
record region release report research review river road roof rule salad sample schedule school
science season server shelf shop sketch software soup speech spring station story strategy
street student summary supper survey system table target teacher team theory ticket timeline
tomato topic tower train travel trip update vacation village visit voice wallet weekend window
winter workshop yard
""".split()
WORDS += """
ability absence academy accident acid activity actor adventure advice affair agency airport alarm
album alley amount anchor angle animal ankle anthem antique anxiety apartment appetite arch archive
arena armchair arrow artist asset atlas attic auction audience avenue award bakery balcony ballet
bamboo bandage banner barrel basement bathroom beacon bean beard bedroom beetle bell belt bench
berry blade blender blossom blueprint boat bonfire bookcase boot bracelet brain brick broom bucket
buffet bulletin bunker butter button cabin cactus cafe cake canal canoe canvas canyon caravan
cargo carrot cartoon cashier cathedral cattle cave cellar cement cereal chair chalk chamber channel
chapel charity chess chimney choir cinema citizen claim clay cliff clinic coach coast coconut
collar comet compass concrete cone copper coral costume cottage couch courtyard cradle crane crater
cricket crystal cucumber cupboard curtain cushion dairy dashboard daughter deck delta dentist
desert dessert diamond diesel dinosaur diploma dish dock dolphin donkey dough dragon drain drawer
dress drum dune eagle earring easel echo elbow elephant elevator embassy emerald envelope estate
fabric falcon fence ferry fiddle flag flame flute fog folder fountain fox frame freezer fridge
galaxy gallery garage gate gem ginger giraffe glacier glove goat gown granite grape gravel greenhouse
grocery guard gutter hall harvest hat hawk hedge helmet herb hero highway hill hinge hive honey
hood horizon horn horse hose hut iceberg igloo ink insect iron ivory jacket jar jazz jelly jewel
jungle kayak kernel kite knee knife knot label lace lagoon lake lamp lantern lava lawn leaf lemon
lens lettuce lever lighthouse lily lime lion lizard lobster locket lodge lumber magnet mango
mansion maple marble marsh mask meadow medal melon mill mineral mint moss moth motor muffin mug
mushroom nail napkin needle nest nickel noodle nut oak oasis ocean olive orchard organ otter owl
paddle palace palm pan panda parade parcel parrot pasta pearl pebble pedal pelican pendant penguin
piano pier pillow pilot pine pipe pirate plank plaza plum pond porch pottery pudding pumpkin puzzle
quarry quilt rabbit raft railway rainbow ranch raven reef ribbon rice ridge robot rocket rope rose
ruby rug saddle sail salmon sand satellite saucer scarf scooter seal shark sheep shell shovel
silk sink skate skull sled slipper snail sock sofa spider spinach sponge spoon squirrel stable
stair statue steam stove straw stream sugar suitcase sundial swan sweater syrup tablet tank tea
telescope temple tent thread throne tiger toast tortoise towel tractor trail tray tulip tunnel
turtle umbrella valley vase velvet violin volcano waffle wagon walnut wardrobe wave whale wheat
whistle willow wolf wool workbench wreath yacht yogurt zebra
""".split()
# Real text mixes frequent little words with content words whose use falls off steeply with
# rank (Zipf's law): a few topics recur often, most words are rare. Searches are for the latter.
FUNCTION_WORDS = """the a an of to and in on for with at by from about into over after before
then also but or so because while when if that this these those it its we our you your they
their is are was were be been will would can could should may might must not no all some more
most very just only still even""".split()
_ZIPF_CUMULATIVE = list(itertools.accumulate(1 / rank for rank in range(1, len(WORDS) + 1)))
TAGS = ["work", "home", "ideas", "reading", "travel", "recipes", "health", "finance", "projects",
        "meetings", "family", "learning", "writing", "garden", "music"]


# The generator below draws exactly the numbers rng.randint(), rng.choice() and rng.choices()
# would (randint(a, b) is a + _randbelow(b - a + 1); choices() is one random() per pick), so a
# seed gives the same notes as ever, but without those calls' per-call overhead: a note takes
# about a hundred draws, and that overhead was most of the time it took to seed a million notes.
# tests/webapp/test_demo.py checks the output against the plain calls.
_ZIPF_TOTAL = _ZIPF_CUMULATIVE[-1] + 0.0
_ZIPF_HI = len(WORDS) - 1
_FUNCTION_COUNT = len(FUNCTION_WORDS) + 0.0
_ENDINGS = [".", ".", ".", "?", "!"]


def _words(rng: random.Random, count: int) -> list[str]:
    draw = rng.random
    return [WORDS[bisect(_ZIPF_CUMULATIVE, draw() * _ZIPF_TOTAL, 0, _ZIPF_HI)] for _ in range(count)]


def _sentence(rng: random.Random) -> str:
    draw, below = rng.random, rng._randbelow
    words = []
    for content_word in _words(rng, 3 + below(6)):
        for _ in range(below(3)):
            words.append(FUNCTION_WORDS[int(draw() * _FUNCTION_COUNT)])
        words.append(content_word)
    return " ".join(words).capitalize() + _ENDINGS[below(len(_ENDINGS))]


def _body(rng: random.Random) -> str:
    below = rng._randbelow
    parts = []
    for _ in range(1 + below(5)):
        kind = rng.random()
        if kind < 0.15:
            parts.append("## " + " ".join(_words(rng, 3)).capitalize())
        elif kind < 0.35:
            parts.append("\n".join("- " + " ".join(_words(rng, 2 + below(5))) for _ in range(3)))
        else:
            parts.append(" ".join(_sentence(rng) for _ in range(2 + below(5))))
    return "\n\n".join(parts)


def seed(count: int, *, seed_value: int = 7, batch: int = 2000) -> int:
    """Add `count` notes with tags and a first revision each; return how many were added."""
    rng = random.Random(seed_value)
    tag_ids = []
    for name in TAGS:
        tag = db.session.scalar(select(Tag).where(Tag.key == name))
        if tag is None:
            tag = Tag(name=name, key=name)
            db.session.add(tag)
            db.session.flush()
        tag_ids.append(tag.id)
    now = utcnow()
    added = 0
    while added < count:
        size = min(batch, count - added)
        rows = []
        for _ in range(size):
            changed = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
            rows.append({
                "title": " ".join(_words(rng, rng.randint(2, 6))).capitalize(),
                "body": _body(rng), "pinned": rng.random() < 0.01, "version": 1,
                "created_at": changed - timedelta(days=rng.randint(0, 30)), "updated_at": changed,
            })
        ids = db.session.scalars(insert(Note).returning(Note.id), rows).all()
        db.session.execute(insert(Revision), [
            {"note_id": note_id, "title": row["title"], "body": row["body"], "tags": "", "created_at": row["updated_at"]}
            for note_id, row in zip(ids, rows)
        ])
        links = {(note_id, tag_id) for note_id in ids for tag_id in rng.sample(tag_ids, rng.randint(0, 3))}
        if links:
            db.session.execute(insert(note_tags), [{"note_id": n, "tag_id": t} for n, t in links])
        db.session.commit()
        added += size
    return added
