"""How tests/data/messy_members.csv was made (at development time; kept to document it and
to add rows): the hand-written rows of messy_members_hand.py, as networks write them, then
rows drawn with a fixed seed from the official units and written messily.

    PYTHONPATH=. python tests/data/make_messy_members.py tests/data/messy_members_hand.py \
        > tests/data/messy_members.csv

The expected code of a drawn row is the code of the unit it was drawn from; a drawn row whose
messy form is the exact name of another unit is left out (it would test nothing).
"""

import csv
import random
import re
import runpy
import sys
import unicodedata

from rapidfuzz import fuzz, process

from geodata import get_reference
from geodata.levels import COMMUNE, DEPARTEMENT, EPCI
from geodata.names import epci_key, key

SEED = 20261128
KIND_WORDS = re.compile(r"^(Communauté (de communes|d'agglomération|urbaine)|Métropole)"
                        r"( de la | du | des | de l'| d'| de | )?")


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(2, len(word) - 1)
    return word[:i] + word[i + 1:] if rng.random() < 0.5 else \
        word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]


def drawn_rows(rng: random.Random) -> list[tuple]:
    ref = get_reference()
    communes = ref.table(COMMUNE)
    epcis = ref.table(EPCI)
    deps = ref.table(DEPARTEMENT)
    dep_names = dict(zip(deps.code, deps.nom))
    taken = {key(n) for n in communes.nom} | {epci_key(n) for n in epcis.nom}
    homonyms = communes.nom.map(key).value_counts()
    keys = list(taken)
    rows = []
    towns = communes[(communes.population > 3000)].sample(110, random_state=SEED)
    for code, name, dep in zip(towns.code, towns.nom, towns.departement):
        unique = homonyms[key(name)] == 1
        form = rng.choice(["ville", "mairie", "upper", "plain", "saint", "hint", "hint_name"])
        hint = ""
        if form == "ville":
            written = "Ville de " + name
        elif form == "mairie":
            written = "Mairie de " + name
        elif form == "upper":
            written = name.upper()
        elif form == "plain":
            written = plain(name).replace("-", " ")
        elif form == "saint" and name.startswith("Saint-"):
            written = "St-" + name[6:]
        else:
            form = form if form in ("hint", "hint_name") else "hint"
            written = name
            hint = dep if form == "hint" else dep_names[dep]
        if not unique and not hint:
            hint = dep
        rows.append((written, "", hint, "", code, f"commune ({form})"))
    big = communes[communes.population > 30000].sample(30, random_state=SEED + 1)
    for code, name in zip(big.code, big.nom):
        if homonyms[key(name)] > 1:
            continue   # a typo of a shared name is rightly left to a person
        words = [w for w in name.split("-") if len(w) >= 7]
        if not words:
            continue
        wrong = name.replace(words[0], typo(words[0], rng), 1)
        closest = process.extract(key(wrong), keys, scorer=fuzz.ratio, limit=2)
        if key(wrong) in taken or closest[0][1] == closest[1][1]:
            continue   # a typo as close to another name is rightly left to a person
        rows.append((wrong, "", "", "", code, "faute de frappe"))
    groups = epcis.sample(70, random_state=SEED + 2)
    for code, name, kind in zip(groups.code, groups.nom, groups.kind):
        bare = name.split(" (")[0]
        short = {"communaute_communes": "CC", "communaute_agglomeration": "CA",
                 "communaute_urbaine": "CU", "metropole": ""}[kind]
        form = rng.choice(["official", "short", "upper", "plain", "comcom"])
        if form == "official":
            written = bare
        elif form == "short" or (form == "comcom" and short != "CC"):
            rest = KIND_WORDS.sub("", bare).strip()
            written = f"{short} {rest}".strip() if rest else bare
        elif form == "upper":
            written = bare.upper()
        elif form == "plain":
            written = plain(bare)
        else:
            written = bare.replace("Communauté de communes", "Com com")
        rows.append((written, "", "", "", code, f"EPCI ({form})"))
    for code, name in zip(deps.code.sample(20, random_state=SEED + 3),
                          deps.nom.sample(20, random_state=SEED + 3)):
        form = rng.choice(["cd", "departement", "number"])
        written = {"cd": f"CD {code}", "departement": f"Département {name}",
                   "number": f"Conseil départemental {code}"}[form]
        rows.append((written, "", "", "", code, f"département ({form})"))
    elsewhere = communes[communes.population > 15000].sample(15, random_state=SEED + 4)
    for name, dep in zip(elsewhere.nom, elsewhere.departement):
        other = rng.choice([d for d in deps.code if d != dep])
        if key(name) in set(communes[communes.departement == other].nom.map(key)):
            continue
        rows.append((name, "", other, "", "", "nom hors du département indiqué"))
    for name in communes[communes.population > 10000].nom.sample(12, random_state=SEED + 5):
        rows.append((rng.choice(["Association ", "CCAS de ", "Office de tourisme de ",
                                 "Collectif citoyen de "]) + name, "", "", "", "",
                     "autre structure"))
    return rows


def main() -> None:
    hand = runpy.run_path(sys.argv[1])["HAND"]
    rng = random.Random(SEED)
    writer = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
    writer.writerow(["nom", "type", "département", "région", "attendu", "cas"])
    seen = {row[4] for row in hand}
    writer.writerows(hand)
    for row in drawn_rows(rng):
        if row[4] and row[4] in seen:
            continue   # a unit drawn twice, or already in the hand rows
        seen.add(row[4])
        writer.writerow(row)


if __name__ == "__main__":
    main()
