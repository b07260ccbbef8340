"""An optional online source of other years: cartiflette, the official French geography service
of INSEE's lab (ADMIN EXPRESS COG CARTO, communes of France entière with their EPCI, département
and région). Only where the machine is online and the package is installed
(`pip install cartiflette==0.4.0`, not a requirement); offline, the built-in vintages and IGN
files imported with `python -m geodata import FILE` stay the way.

The communes cartiflette gives carry their codes and names (INSEE_COM, NOM, POPULATION,
INSEE_DEP, LIBELLE_DEPARTEMENT, INSEE_REG, LIBELLE_REGION) and INSEE's table of geographic
membership (EPCI, NATURE_EPCI, LIBELLE_EPCI when the year has it): they are turned into the
layers geodata.admin_express reads from a GeoPackage.
"""

import pandas as pd

from .admin_express import AdminExpressError

REQUIREMENT = "cartiflette==0.4.0"
# What an imported vintage says it was imported from.
SOURCE_NAME = "cartiflette (IGN ADMIN EXPRESS COG CARTO {year})"
NOT_INSTALLED = ("La source en ligne cartiflette n'est pas installée : installez-la avec "
                 f"« pip install {REQUIREMENT} » (elle demande internet), ou importez le fichier "
                 "ADMIN EXPRESS COG de l'IGN : python -m geodata import FICHIER.gpkg")
# INSEE's type of an EPCI (NATURE_EPCI), as geodata.admin_express reads a nature.
NATURES = {"ME": "Métropole", "CU": "Communauté urbaine", "CA": "Communauté d'agglomération",
           "CC": "Communauté de communes"}
NO_EPCI = "ZZZZZZZZZ"


def download(year: int) -> dict[str, pd.DataFrame]:
    """The layers of a year through cartiflette; AdminExpressError, in French, when it is not
    installed or cannot reach its server."""
    try:
        from cartiflette import carti_download
    except ImportError:
        raise AdminExpressError(NOT_INSTALLED) from None
    try:
        communes = carti_download(values="France", borders="COMMUNE",
                                  filter_by="FRANCE_ENTIERE", year=year, simplification=0)
    except Exception as exc:   # no network, no such year, a server error: said, not raised
        raise AdminExpressError(
            f"cartiflette n'a pas pu donner la géographie de {year} ({type(exc).__name__} : "
            f"{exc}). Cette source demande internet ; hors connexion, importez le fichier ADMIN "
            "EXPRESS COG de l'IGN : python -m geodata import FICHIER.gpkg") from exc
    return layers_of(communes)


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name].fillna("").astype(str).str.strip()
    raise AdminExpressError(
        f"Les communes données par cartiflette n'ont pas de colonne {' ni '.join(names)} : "
        f"cette version de cartiflette n'est pas celle attendue ({REQUIREMENT}).")


def layers_of(communes) -> dict[str, pd.DataFrame]:
    """The layers of geodata.admin_express (fields named by their roles) from cartiflette's
    communes."""
    communes = communes.rename(columns={c: c.lower() for c in communes.columns
                                        if c != communes.geometry.name})
    epci = _column(communes, "epci", "siren_epci")
    departement, region = _column(communes, "insee_dep"), _column(communes, "insee_reg")
    commune = communes.assign(
        code=_column(communes, "insee_com"), nom=_column(communes, "nom"),
        population=pd.to_numeric(communes.get("population"), errors="coerce"),
        departement=departement, epcis=epci,
        statut=communes["statut"].fillna("") if "statut" in communes else "")
    commune = commune[["code", "nom", "population", "departement", "epcis", "statut",
                       communes.geometry.name]]
    nature = communes["nature_epci"].fillna("") if "nature_epci" in communes else ""
    names = communes["libelle_epci"].fillna("") if "libelle_epci" in communes else epci
    epcis = pd.DataFrame({"code": epci, "nom": names, "nature": pd.Series(nature, index=epci.index)
                          .map(lambda n: NATURES.get(n, n))})
    epcis = epcis[~epcis.code.isin(["", NO_EPCI])].drop_duplicates("code")
    departements = pd.DataFrame({
        "code": departement, "nom": _column(communes, "libelle_departement", "nom_dep"),
        "region": region}).drop_duplicates("code")
    regions = pd.DataFrame({"code": region,
                            "nom": _column(communes, "libelle_region", "nom_reg")}
                           ).drop_duplicates("code")
    return {"commune": commune, "epci": epcis, "departement": departements, "region": regions}
