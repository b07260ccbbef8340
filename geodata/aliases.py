"""Usual short names of collectivités, and names of collectivités that no longer exist.

Keys are written as people write them; they are normalised when looked up.
"""

from .levels import COMMUNE, EPCI, REGION

# Short names and former names of units that still exist: -> (level, code).
ALIASES = {
    "MEL": (EPCI, "200093201"),
    "Lille Métropole": (EPCI, "200093201"),
    "Métropole de Lille": (EPCI, "200093201"),
    "Grand Lyon": (EPCI, "200046977"),
    "Grand Lyon la Métropole": (EPCI, "200046977"),
    "Métropole du Grand Lyon": (EPCI, "200046977"),
    "Communauté urbaine de Lyon": (EPCI, "200046977"),
    "Courly": (EPCI, "200046977"),
    "Grand Poitiers": (EPCI, "200069854"),
    "Grand Nancy": (EPCI, "245400676"),
    "Grand Paris": (EPCI, "200054781"),
    "MGP": (EPCI, "200054781"),
    "AMP": (EPCI, "200054807"),
    "Aix-Marseille": (EPCI, "200054807"),
    "Aix-Marseille Métropole": (EPCI, "200054807"),
    "TPM": (EPCI, "248300543"),
    "Toulon Provence Méditerranée": (EPCI, "248300543"),
    "Strasbourg Eurométropole": (EPCI, "246700488"),
    "Communauté urbaine de Strasbourg": (EPCI, "246700488"),
    "CUS": (EPCI, "246700488"),
    "Nice Côte d'Azur": (EPCI, "200030195"),
    "Grenoble Alpes Métropole": (EPCI, "200040715"),
    "La Métro": (EPCI, "200040715"),
    "Montpellier Métropole": (EPCI, "243400017"),
    "Montpellier 3M": (EPCI, "243400017"),
    "Rouen Métropole": (EPCI, "200023414"),
    "Métropole Rouen": (EPCI, "200023414"),
    "Clermont Métropole": (EPCI, "246300701"),
    "Sicoval": (EPCI, "243100633"),
    "Saint-Étienne Métropole": (EPCI, "244200770"),
    "Tours Métropole": (EPCI, "243700754"),
    "Ville de Paris": (COMMUNE, "75056"),
    "IDF": (REGION, "11"),
    "Région Île-de-France": (REGION, "11"),
    "PACA": (REGION, "93"),
    "Région Sud": (REGION, "93"),
    "Sud": (REGION, "93"),
    "AURA": (REGION, "84"),
    "BFC": (REGION, "27"),
    "HDF": (REGION, "32"),
    "Centre": (REGION, "24"),
    "Région Centre": (REGION, "24"),
    "Pays de Loire": (REGION, "52"),
    "Collectivité de Corse": (REGION, "94"),
    "Assemblée de Corse": (REGION, "94"),
    # Collectivités territoriales uniques: région and département in one council.
    "Collectivité territoriale de Martinique": (REGION, "02"),
    "CTM": (REGION, "02"),
    "Collectivité territoriale de Guyane": (REGION, "03"),
    "CTG": (REGION, "03"),
    "Réunion": (REGION, "04"),
    # Acronyms in daily use of three letters (derived acronyms need four, see resolve)
    "SQY": (EPCI, "200058782"),
    "CUD": (EPCI, "245900428"),
}

# The short names people use for a collectivité (keys of ALIASES), written on map labels.
USUAL_NAMES = ("MEL", "Aix-Marseille", "TPM", "SQY", "CUD", "Grand Paris")

# Councils that govern several départements of the reference geography: one member row that
# the map can only show as each of its départements (the person chooses, or adds a row).
SEVERAL_DEPARTEMENTS = {
    "Collectivité européenne d'Alsace": ("67", "68"),
    "CeA": ("67", "68"),
}

# Acronyms in common use for bodies that are no collectivité (social action centres, chambers,
# housing, companies, public agencies): never read as the acronym of an EPCI's name.
NOT_COLLECTIVITE_ACRONYMS = (
    "CCAS", "CIAS", "CMA", "CCI", "CAF", "CPAM", "MSA", "ARS", "HLM", "OPH", "OPAC", "SEM",
    "SPL", "SAS", "SARL", "SCIC", "SCOP", "SIVU", "SIVOM", "PETR", "GIP", "GIE", "EPA", "EPIC",
    "ESS", "CRESS", "ADIE", "ADEME", "URSSAF", "CAE", "MJC", "CSC", "CLIC", "CDC", "CNAM",
    "CEA", "CNRS", "INSEE", "IGN", "ANCT", "BPI", "AFD", "EDF", "SNCF", "RATP", "ONF", "CROUS",
    "CHU", "IUT", "PSA", "ARC", "ONG", "DREETS", "DDETS", "CESER", "CESE", "AMF", "ADF", "ARF",
    "APVF", "FNCCR", "RTES",
)

# Régions merged on 1 January 2016: former name -> code of the région they belong to now.
FORMER_REGIONS = {
    "Alsace": "44", "Champagne-Ardenne": "44", "Lorraine": "44",
    "Aquitaine": "75", "Limousin": "75", "Poitou-Charentes": "75",
    "Auvergne": "84", "Rhône-Alpes": "84",
    "Bourgogne": "27", "Franche-Comté": "27",
    "Basse-Normandie": "28", "Haute-Normandie": "28",
    "Languedoc-Roussillon": "76", "Midi-Pyrénées": "76",
    "Nord-Pas-de-Calais": "32", "Picardie": "32",
}
