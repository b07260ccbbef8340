"""Column names of a resolved member list, shared by resolution, join, figures and the dashboard.

One row per input row, in input order. Extra columns of the member file (adhesion year,
elected representative, website...) follow these, under their original header.
"""

ROW = "row"                # line number in the file (the header is line 1)
INPUT_NAME = "input_name"  # the name as the user wrote it
STATUS = "status"          # one of STATUSES
LEVEL = "level"            # region / departement / epci / commune, "" if none
KIND = "kind"              # one of levels.KINDS, "" if unknown
CODE = "code"              # official code (INSEE or SIREN), "" if none
NAME = "official_name"     # official name, or the input name for 'autre' members
DEPARTEMENT = "departement"  # code of the parent département ("" for régions)
REGION = "region"          # code of the parent région
POPULATION = "population"
SCORE = "score"            # 0-100, confidence of the match
CANDIDATES = "candidates"  # "Nom (code) | Nom (code)" for ambiguous or near misses
MESSAGE = "message"        # French explanation for the user
LON = "lon"
LAT = "lat"

RESOLVED_COLUMNS = [ROW, INPUT_NAME, STATUS, LEVEL, KIND, CODE, NAME, DEPARTEMENT, REGION,
                    POPULATION, SCORE, CANDIDATES, MESSAGE, LON, LAT]

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNMATCHED = "unmatched"
DUPLICATE = "duplicate"
PLACED = "placed_by_coordinates"
STATUSES = (MATCHED, AMBIGUOUS, UNMATCHED, DUPLICATE, PLACED)
# Rows drawn on the map.
MAPPED_STATUSES = (MATCHED, PLACED)

STATUS_LABELS = {
    MATCHED: "reconnue",
    AMBIGUOUS: "ambiguë",
    UNMATCHED: "non reconnue",
    DUPLICATE: "doublon",
    PLACED: "placée par coordonnées",
}
