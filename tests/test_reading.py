"""Reading member lists as people write them: encodings, separators, headers, Excel, errors."""

import io
import random
import warnings
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from geodata.reading import (
    CODE,
    DEPARTEMENT_HINT,
    INPUT_NAME,
    KIND_HINT,
    LAT,
    LON,
    MAX_BYTES,
    MEMBER_COLUMNS,
    REGION_HINT,
    ROW,
    SEAT_CODE,
    BadRowError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    MemberFileError,
    MissingNameColumnError,
    NotATableError,
    UnreadableFileError,
    UnsupportedFormatError,
    normalize_header,
    read_members,
)
from geodata.schema import extra_key

MEMBERS_CSV = (
    "nom;type;code;département\n"
    "Ville de Lille;commune;59350;59\n"
    "Métropole Européenne de Lille;métropole;200093201;59\n"
    "Conseil départemental du Pas-de-Calais;département;62;62\n"
)


def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def xlsx_bytes(sheets, number_formats=None):
    """A workbook with one sheet per (title, rows); number_formats maps 'B2' -> '00000'."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    for address, number_format in (number_formats or {}).items():
        workbook.worksheets[0][address].number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def names(table):
    return table.rows[INPUT_NAME].tolist()


# --- encodings and separators -------------------------------------------------------------


def test_reads_utf8_semicolon_list(tmp_path):
    table = read_members(write(tmp_path, "adherents.csv", MEMBERS_CSV))

    assert list(table.rows.columns) == MEMBER_COLUMNS
    assert names(table) == ["Ville de Lille", "Métropole Européenne de Lille",
                            "Conseil départemental du Pas-de-Calais"]
    assert table.rows[ROW].tolist() == [2, 3, 4]
    assert table.rows[CODE].tolist() == ["59350", "200093201", "62"]
    assert table.rows[DEPARTEMENT_HINT].tolist() == ["59", "59", "62"]
    assert table.rows[KIND_HINT].tolist() == ["commune", "métropole", "département"]
    assert table.rows[REGION_HINT].tolist() == ["", "", ""]
    assert table.columns_found == {INPUT_NAME: "nom", KIND_HINT: "type", CODE: "code",
                                   DEPARTEMENT_HINT: "département"}
    assert table.extra_columns == []
    assert (table.filename, table.encoding, table.separator) == ("adherents.csv", "utf-8", ";")
    assert all(isinstance(value, str) for value in table.rows[CODE])


def test_reads_utf8_with_bom_and_commas(tmp_path):
    content = "\ufeffNom,Type\nVille de Lille,commune\nVille de Roubaix,commune\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.columns_found[INPUT_NAME] == "Nom"
    assert names(table) == ["Ville de Lille", "Ville de Roubaix"]
    assert (table.encoding, table.separator) == ("utf-8-sig", ",")


def test_reads_windows_1252_as_excel_writes_it_in_france(tmp_path):
    content = ("Nom;Catégorie\r\n"
               "Communauté d’agglomération de Béthune-Bruay;CA\r\n"
               "Cœur d'Ostrevent;CC\r\n"
               "Conseil départemental du Pas-de-Calais;Département\r\n")
    table = read_members(write(tmp_path, "adherents.csv", content, encoding="cp1252"))

    assert names(table) == ["Communauté d’agglomération de Béthune-Bruay", "Cœur d'Ostrevent",
                            "Conseil départemental du Pas-de-Calais"]
    assert table.rows[KIND_HINT].tolist() == ["CA", "CC", "Département"]
    assert table.encoding == "cp1252"


def test_reads_csv_macintosh(tmp_path):
    content = "nom;type\rMétropole Européenne de Lille;métropole\rVille de Besançon;commune\r"
    table = read_members(write(tmp_path, "adherents.csv", content, encoding="mac_roman"))

    assert names(table) == ["Métropole Européenne de Lille", "Ville de Besançon"]
    assert table.encoding == "mac_roman"


def test_reads_excel_unicode_text_utf16_with_bom(tmp_path):
    content = "\ufeffnom\ttype\r\nVille de Lille\tcommune\r\nCœur d'Ostrevent\tCC\r\n"
    table = read_members(write(tmp_path, "adherents.txt", content, encoding="utf-16-le"))

    assert names(table) == ["Ville de Lille", "Cœur d'Ostrevent"]
    assert table.separator == "\t"


def test_reads_tab_separated(tmp_path):
    content = "nom\ttype\tcode\nVille de Lille\tcommune\t59350\nVille de Lens\tcommune\t62498\n"
    table = read_members(write(tmp_path, "adherents.tsv", content))

    assert table.separator == "\t"
    assert table.rows[CODE].tolist() == ["59350", "62498"]


def test_quoted_values_may_contain_the_separator(tmp_path):
    semicolons = ('nom;type;notes\n'
                  '"Lille; Ville de";commune;"adhésion votée le 12/03; à confirmer"\n'
                  'Ville de Lens;commune;\n')
    commas = ('nom,type,notes\n'
              '"Communauté de communes du Pays de Lumbres, CCPL",CC,"élu référent, M. Dupont"\n'
              'Ville de Lens,commune,"deux lignes\nde notes"\n')

    by_semicolon = read_members(write(tmp_path, "a.csv", semicolons))
    by_comma = read_members(write(tmp_path, "b.csv", commas))

    assert names(by_semicolon) == ["Lille; Ville de", "Ville de Lens"]
    assert by_semicolon.extra("notes").tolist() == ["adhésion votée le 12/03; à confirmer", ""]
    assert names(by_comma) == ["Communauté de communes du Pays de Lumbres, CCPL",
                               "Ville de Lens"]
    assert by_comma.extra("notes").tolist() == ["élu référent, M. Dupont", "deux lignes\nde notes"]


def test_comma_in_names_does_not_fool_separator_detection(tmp_path):
    content = ("nom;type;région\n"
               "Lille, Ville de;commune;Hauts-de-France\n"
               "Lens, Ville de;commune;Hauts-de-France\n")
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.separator == ";"
    assert names(table) == ["Lille, Ville de", "Lens, Ville de"]


# --- headers and columns ------------------------------------------------------------------


@pytest.mark.parametrize(("header", "canonical"), [
    ("nom", INPUT_NAME), ("NAME", INPUT_NAME), ("Collectivité", INPUT_NAME),
    ("COLLECTIVITE", INPUT_NAME), ("Nom de la collectivité", INPUT_NAME),
    ("nom_collectivite", INPUT_NAME), ("Adhérent", INPUT_NAME), ("Structure", INPUT_NAME),
    ("Libellé", INPUT_NAME), ("Organisation", INPUT_NAME), ("Membre", INPUT_NAME),
    ("Type de collectivité", KIND_HINT), ("CATÉGORIE", KIND_HINT), ("Nature", KIND_HINT),
    ("niveau", KIND_HINT), ("Code INSEE", CODE), ("SIREN", CODE), ("code_officiel", CODE),
    ("Siret", CODE), ("insee_or_siren", CODE), ("Dép.", DEPARTEMENT_HINT),
    ("DEPT", DEPARTEMENT_HINT), ("code-département", DEPARTEMENT_HINT),
    ("Région", REGION_HINT), ("Longitude (WGS84)", LON), ("lng", LON), ("X", LON),
    ("Latitude", LAT), ("y", LAT), ("Code commune siège", SEAT_CODE), ("Siège", SEAT_CODE),
    ("seat", SEAT_CODE),
])
def test_recognises_french_and_english_headers(tmp_path, header, canonical):
    other = "nom" if canonical != INPUT_NAME else "type"
    content = f"{other};{header}\nVille de Lille;valeur\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.columns_found[canonical] == header
    assert table.rows[canonical].tolist() == ["valeur"]


def test_normalize_header_ignores_case_accents_punctuation_and_articles():
    assert normalize_header("Nom de la Collectivité") == "nomcollectivite"
    assert normalize_header("NOM_COLLECTIVITE") == "nomcollectivite"
    assert normalize_header(" Code-Département ") == "codedepartement"
    assert normalize_header("Longitude (WGS84)") == "longitude"


def test_reads_the_networks_own_evidence_layout(tmp_path):
    content = ("name,kind,region,source_url,evidence,insee_or_siren,match_note\n"
               "Nantes Métropole,metropole,Pays de la Loire,https://www.rtes.fr/x,fiche,"
               "244400404,A\n")
    table = read_members(write(tmp_path, "evidence.csv", content))

    assert table.rows[CODE].tolist() == ["244400404"]
    assert table.rows[REGION_HINT].tolist() == ["Pays de la Loire"]
    assert table.extra_columns == ["source_url", "evidence", "match_note"]


def test_extra_columns_pass_through_in_order(tmp_path):
    content = ("Année d'adhésion;Nom;Élu référent;Site web;Type;Remarques\n"
               "2012;Ville de Lille;Mme Martin;https://www.lille.fr;commune;\n"
               "2019;Métropole Européenne de Lille;M. Durand;;métropole;à relancer\n")
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.extra_columns == ["Année d'adhésion", "Élu référent", "Site web", "Remarques"]
    assert list(table.rows.columns) == MEMBER_COLUMNS + [extra_key(header)
                                                         for header in table.extra_columns]
    assert table.extra("Élu référent").tolist() == ["Mme Martin", "M. Durand"]
    assert table.extra("Remarques").tolist() == ["", "à relancer"]
    assert table.rows[CODE].tolist() == ["", ""]


def test_repeated_headers_are_made_unique_and_ours_are_kept_as_written(tmp_path):
    content = "nom;code;SIREN;notes;notes;row\nVille de Lille;59350;215903501;a;b;1\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.columns_found[CODE] == "code"
    assert table.extra_columns == ["SIREN", "notes", "notes (2)", "row"]
    assert table.extra("SIREN")[0] == "215903501"
    assert table.extra("notes (2)")[0] == "b"
    assert table.extra("row")[0] == "1"
    assert table.rows.loc[0, ROW] == 2


def test_codes_keep_leading_zeros(tmp_path):
    content = ("nom;code;dép;siège\n"
               "Bourg-en-Bresse;01053;01;01053\n"
               "Conseil départemental de la Corse-du-Sud;2A;2A;\n"
               "L'Abergement-Clémenciat;=\"01001\";01;\n")
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.rows[CODE].tolist() == ["01053", "2A", "01001"]
    assert table.rows[DEPARTEMENT_HINT].tolist() == ["01", "2A", "01"]
    assert table.rows[SEAT_CODE].tolist() == ["01053", "", ""]


def test_values_are_stripped(tmp_path):
    content = "nom ; type\n  Ville de Lille\u00a0; commune \n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert names(table) == ["Ville de Lille"]
    assert table.rows[KIND_HINT].tolist() == ["commune"]


# --- rows ---------------------------------------------------------------------------------


def test_blank_lines_are_skipped_but_counted(tmp_path):
    content = "nom;type\n\nVille de Lille;commune\n;;\n   \nVille de Lens;commune\n\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert names(table) == ["Ville de Lille", "Ville de Lens"]
    assert table.rows[ROW].tolist() == [3, 6]


def test_a_quoted_line_break_counts_as_one_spreadsheet_row(tmp_path):
    content = 'nom;notes\nVille de Lille;"ligne 1\nligne 2"\nVille de Lens;\n'
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.rows[ROW].tolist() == [2, 3]


def test_title_rows_above_the_header_are_skipped(tmp_path):
    content = ("Liste des adhérents du réseau;;\n"
               "\n"
               "Nom;Type;Code\n"
               "Ville de Lille;commune;59350\n")
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert names(table) == ["Ville de Lille"]
    assert table.rows[ROW].tolist() == [4]


def test_trailing_empty_cells_are_tolerated(tmp_path):
    content = "nom;type;;\nVille de Lille;commune;;;;\nVille de Lens;commune\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert names(table) == ["Ville de Lille", "Ville de Lens"]
    assert table.extra_columns == []


def test_a_column_without_header_is_kept_when_it_holds_values(tmp_path):
    content = "nom;type;\nVille de Lille;commune;à jour\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert table.extra_columns == ["colonne C"]
    assert table.extra("colonne C").tolist() == ["à jour"]


def test_a_row_without_name_is_kept_for_the_report(tmp_path):
    content = "nom;code\nVille de Lille;59350\n;62498\n"
    table = read_members(write(tmp_path, "adherents.csv", content))

    assert names(table) == ["Ville de Lille", ""]
    assert table.rows[ROW].tolist() == [2, 3]


# --- Excel --------------------------------------------------------------------------------


def test_xlsx_numbers_come_back_as_the_user_sees_them(tmp_path):
    rows = [
        ["Nom", "Code SIREN", "Dép", "Commune siège", "Longitude", "Latitude", "Adhésion"],
        ["Ville de Lille", 59350, 59, None, 3.0573, 50.6292, datetime(2012, 3, 1)],
        ["Métropole Européenne de Lille", 200093201, 59.0, 59350, None, None, 2019],
        ["Communauté de communes de la Dombes", 2.00069193e8, 1, 1001, None, None, None],
        ["Bourg-en-Bresse", 1053, 1, None, None, None, None],
    ]
    content = xlsx_bytes({"Adhérents": rows}, number_formats={"B5": "00000", "C4": "00"})
    table = read_members(write(tmp_path, "adherents.xlsx", content))

    assert table.rows[CODE].tolist() == ["59350", "200093201", "200069193", "01053"]
    assert table.rows[DEPARTEMENT_HINT].tolist() == ["59", "59", "01", "1"]
    # A code typed as a number without a zero-padded format lost its zero in Excel: left as is.
    assert table.rows[SEAT_CODE].tolist() == ["", "59350", "1001", ""]
    assert table.rows[LON].tolist() == ["3.0573", "", "", ""]
    assert table.rows[LAT].tolist() == ["50.6292", "", "", ""]
    assert table.extra("Adhésion").tolist() == ["01/03/2012", "2019", "", ""]
    assert table.sheet == "Adhérents"


def test_xlsx_reads_the_first_sheet_and_counts_blank_rows(tmp_path):
    content = xlsx_bytes({
        "Adhérents": [["nom", "type"], ["Ville de Lille", "commune"], [None, None],
                      ["Conseil départemental du Pas-de-Calais", "département"]],
        "Contacts": [["nom", "téléphone"], ["Mme Martin", "03 20 00 00 00"]],
    })
    table = read_members(write(tmp_path, "adherents.xlsx", content))

    assert table.sheet == "Adhérents"
    assert names(table) == ["Ville de Lille", "Conseil départemental du Pas-de-Calais"]
    assert table.rows[ROW].tolist() == [2, 4]


def test_xlsx_skips_sheets_without_a_name_column(tmp_path):
    content = xlsx_bytes({
        "Sommaire": [["Réseau des collectivités", "mise à jour 2024"], ["voir feuille 2", None]],
        "Liste": [["Collectivité", "Catégorie"], ["Ville de Lille", "commune"]],
    })
    table = read_members(write(tmp_path, "adherents.xlsx", content))

    assert table.sheet == "Liste"
    assert names(table) == ["Ville de Lille"]


def test_bytes_input_uses_the_given_filename():
    table = read_members(MEMBERS_CSV.encode("utf-8"), filename="envoi.csv")

    assert table.filename == "envoi.csv"
    assert len(table.rows) == 3


def test_content_wins_over_the_extension():
    workbook = xlsx_bytes({"Feuil1": [["nom"], ["Ville de Lille"]]})
    as_csv = read_members(workbook, filename="adherents.csv")
    text_as_xlsx = read_members(b"nom\nVille de Lens\n", filename="adherents.xlsx")

    assert names(as_csv) == ["Ville de Lille"]
    assert names(text_as_xlsx) == ["Ville de Lens"]


# --- failures -----------------------------------------------------------------------------


def test_empty_file(tmp_path):
    with pytest.raises(EmptyFileError) as caught:
        read_members(write(tmp_path, "adherents.csv", b""))

    message = str(caught.value)
    assert "« adherents.csv » est vide" in message
    assert "Ajoutez une ligne d'en-tête" in message


@pytest.mark.parametrize("content", ["\n\n  \n", ";;;\n;;\n", "\ufeff"])
def test_blank_file_is_empty(content):
    with pytest.raises(EmptyFileError, match="est vide"):
        read_members(content.encode("utf-8"), filename="adherents.csv")


def test_header_only(tmp_path):
    with pytest.raises(EmptyFileError) as caught:
        read_members(write(tmp_path, "adherents.csv", "nom;type;code\n\n"))

    message = str(caught.value)
    assert "« adherents.csv »" in message
    assert "« nom », « type », « code »" in message
    assert "Ajoutez une ligne par collectivité" in message


def test_xlsx_header_only_names_the_sheet():
    content = xlsx_bytes({"Adhérents": [["nom", "type"]]})
    with pytest.raises(EmptyFileError, match="feuille « Adhérents »"):
        read_members(content, filename="adherents.xlsx")


def test_empty_workbook():
    with pytest.raises(EmptyFileError, match="« adherents.xlsx » est vide"):
        read_members(xlsx_bytes({"Feuil1": []}), filename="adherents.xlsx")


def test_png_named_csv_is_not_a_table():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(NotATableError) as caught:
        read_members(png, filename="logo.csv")

    message = str(caught.value)
    assert "« logo.csv » n'est pas un tableau" in message
    assert "image PNG" in message
    assert "format CSV" in message and "(.xlsx)" in message


def test_binary_with_nul_bytes_is_not_a_table():
    noise = random.Random(1).randbytes(3000)
    with pytest.raises(NotATableError, match="fichier binaire"):
        read_members(noise, filename="export.csv")


def test_utf16_without_bom_is_an_encoding_error():
    content = "nom;type\nVille de Lille;commune\n".encode("utf-16-le")
    with pytest.raises(EncodingError) as caught:
        read_members(content, filename="adherents.csv")

    message = str(caught.value)
    assert "« adherents.csv »" in message
    assert "UTF-16" in message
    assert "CSV UTF-8" in message and "Enregistrer sous" in message


def test_text_that_decodes_only_to_garbage_is_an_encoding_error():
    rng = random.Random(2)
    garbage = bytes(rng.randrange(1, 256) for _ in range(3000))
    with pytest.raises(EncodingError, match="encodage n'a pas pu être reconnu"):
        read_members(garbage, filename="adherents.csv")


def test_mixed_encodings_name_the_line():
    content = ("nom;type\nMétropole Européenne de Lille;métropole\n".encode()
               + "Ville de Besançon;commune\n".encode("cp1252"))
    with pytest.raises(EncodingError) as caught:
        read_members(content, filename="adherents.csv")

    assert caught.value.line == 3
    assert "« adherents.csv », ligne 3," in str(caught.value)


def test_no_name_column(tmp_path):
    with pytest.raises(MissingNameColumnError) as caught:
        read_members(write(tmp_path, "x.csv", "ville;annee\nLille;2012\n"))

    message = str(caught.value)
    assert message.startswith("Le fichier « x.csv » n'a pas de colonne de nom.")
    assert "Colonnes trouvées : « ville », « annee »." in message
    assert "Renommez la colonne qui contient les noms des collectivités en « nom »" in message
    assert caught.value.columns == ["ville", "annee"]


def test_a_single_text_column_is_not_guessed_as_the_name(tmp_path):
    content = "Ville de Lille\nVille de Lens\nConseil départemental du Pas-de-Calais\n"
    with pytest.raises(MissingNameColumnError, match="« Ville de Lille »"):
        read_members(write(tmp_path, "liste.csv", content))


def test_no_name_column_in_any_sheet_names_the_first_sheet():
    content = xlsx_bytes({"Feuil1": [["ville", "annee"], ["Lille", 2012]], "Feuil2": []})
    with pytest.raises(MissingNameColumnError, match="feuille « Feuil1 »"):
        read_members(content, filename="adherents.xlsx")


def test_too_large(tmp_path):
    path = write(tmp_path, "adherents.csv", MEMBERS_CSV)
    with pytest.raises(FileTooLargeError) as caught:
        read_members(path, max_bytes=100)

    message = str(caught.value)
    assert "« adherents.csv » est trop volumineux" in message
    assert "pour une limite de 100 octets" in message
    assert "Découpez la liste" in message
    assert caught.value.size == path.stat().st_size


def test_too_large_upload_says_the_limit_in_mo():
    with pytest.raises(FileTooLargeError, match="6 Mo, pour une limite de 5 Mo"):
        read_members(b"x" * (6 * 1024 * 1024), filename="adherents.csv")
    assert MAX_BYTES == 5 * 1024 * 1024


def test_old_xls_asks_for_xlsx_or_csv(tmp_path):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(UnsupportedFormatError) as caught:
        read_members(write(tmp_path, "adherents.xls", xls))

    message = str(caught.value)
    assert "« adherents.xls » est au format Excel 97-2003 (.xls)" in message
    assert "Classeur Excel (.xlsx), Classeur LibreOffice (.ods) ou CSV" in message


def test_password_protected_xlsx():
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(UnsupportedFormatError, match="protégé par un mot de passe"):
        read_members(encrypted, filename="adherents.xlsx")


def test_a_damaged_opendocument_spreadsheet_is_said_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(NotATableError, match="classeur LibreOffice abîmé"):
        read_members(buffer.getvalue(), filename="adherents.ods")


def test_web_page_saved_as_xls_is_not_a_table():
    page = b"<html><body><table><tr><td>nom</td></tr></table></body></html>"
    with pytest.raises(NotATableError, match="page web"):
        read_members(page, filename="export.xls")


def test_too_many_cells_names_the_line(tmp_path):
    content = ("nom,type,code\n"
               "Ville de Lille,commune,59350\n"
               "Lille, Ville de,commune,59350\n")
    with pytest.raises(BadRowError) as caught:
        read_members(write(tmp_path, "adherents.csv", content))

    message = str(caught.value)
    assert caught.value.line == 3
    assert message.startswith("Le fichier « adherents.csv », ligne 3 : 4 valeurs")
    assert "« nom », « type », « code »" in message
    assert "virgule" in message and "entre guillemets" in message


def test_unclosed_quote_names_the_line(tmp_path):
    content = 'nom;type\nVille de Lille;commune\n"Ville de Lens;commune\nVille d\'Arras;commune\n'
    with pytest.raises(BadRowError) as caught:
        read_members(write(tmp_path, "adherents.csv", content))

    assert caught.value.line == 3
    assert "jamais refermé" in str(caught.value)


def test_missing_path(tmp_path):
    with pytest.raises(UnreadableFileError, match="« absent.csv » est introuvable"):
        read_members(tmp_path / "absent.csv")


def test_upload_without_filename_still_reads_well():
    with pytest.raises(EmptyFileError, match="^Le fichier envoyé est vide"):
        read_members(b"")


def test_every_error_is_a_member_file_error():
    for error in (UnreadableFileError, FileTooLargeError, EmptyFileError, NotATableError,
                  UnsupportedFormatError, EncodingError, MissingNameColumnError, BadRowError):
        assert issubclass(error, MemberFileError)


def test_source_must_be_a_path_or_bytes():
    with pytest.raises(TypeError, match="path or bytes"):
        read_members(42)


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman", "cp850"])
def test_old_encodings_are_told_apart_by_their_french_letters(encoding):
    content = "nom;notes\nSaint-Étienne;café à Orléans\nBesançon;où\n".encode(encoding)
    table = read_members(content, "ancien.csv")
    assert table.encoding == encoding
    assert table.rows[INPUT_NAME].tolist() == ["Saint-Étienne", "Besançon"]
    assert table.extra("notes").tolist() == ["café à Orléans", "où"]


def test_windows_text_with_symbols_stays_windows():
    content = ("nom;cotisation;statut\nLille;1200 €;adhésion “historique”\nSéné;300 €;• actif\n"
               "Béziers;800 €;à jour…\n").encode("cp1252")
    table = read_members(content, "windows.csv")
    assert table.encoding == "cp1252"
    assert table.rows[INPUT_NAME].tolist() == ["Lille", "Séné", "Béziers"]
    assert table.extra("cotisation").tolist()[0] == "1200 €"


def test_a_header_naming_two_things_with_a_comma_is_a_header():
    content = "Collectivité;Type;Nom, prénom de l'élu\nLille;commune;Martin, Anne\n"
    table = read_members(content.encode(), "elus.csv")
    assert table.extra("Nom, prénom de l'élu").tolist() == ["Martin, Anne"]


def test_a_merged_title_above_the_header_is_still_a_title():
    book = Workbook()
    sheet = book.active
    sheet.append(["Liste des adhérents 2024"])
    sheet.merge_cells("A1:C1")
    for row in (["nom", "type", "code"], ["Lille", "commune", "59350"],
                ["Roubaix", "commune", "59512"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_members(buffer.getvalue(), "titre.xlsx")
    assert table.rows[INPUT_NAME].tolist() == ["Lille", "Roubaix"]
    assert table.rows[CODE].tolist() == ["59350", "59512"]


@pytest.mark.parametrize(("content", "name", "header"), [
    ("nom;ville\nCafé des Arts;Lille\n", "Café des Arts", "ville"),   # one letter, in a word
    ("NOM;RÉGION\nLILLE;HAUTS-DE-FRANCE\n", "LILLE", "RÉGION"),   # one capital, in capitals
])
def test_a_short_dos_file_is_read_as_dos(content, name, header):
    table = read_members(content.encode("cp850"), "dos.csv")
    assert table.encoding == "cp850"
    assert table.rows[INPUT_NAME].tolist() == [name]
    assert header in [*table.columns_found.values(), *table.extra_columns]


def test_a_quoted_header_cell_may_hold_the_other_separator():
    content = ('"Région, département";Nom;Code\n'
               '"Hauts-de-France, Nord";Lille;59350\n')
    table = read_members(content.encode(), "guillemets.csv")
    assert table.separator == ";"
    assert table.rows[INPUT_NAME].tolist() == ["Lille"]
    assert table.extra("Région, département").tolist() == ["Hauts-de-France, Nord"]
    # Written without quotes, the same header still hides a column.
    with pytest.raises(BadRowError, match="mélange deux séparateurs"):
        read_members(content.replace('"', "").encode(), "sans-guillemets.csv")


def test_openpyxl_says_nothing_in_english_while_reading():
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes({"Adhérents": [["nom"], ["Lille"]]})))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/styles.xml":   # "Workbook contains no stylesheet"
                continue
            if name.startswith("xl/worksheets/"):   # "Data Validation extension is not..."
                data = data.replace(b"</worksheet>", (
                    b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="'
                    b'http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                    b'<x14:dataValidations count="0"/></ext></extLst></worksheet>'))
            archive.writestr(name, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_members(buffer.getvalue(), "avertissements.xlsx")
    assert table.rows[INPUT_NAME].tolist() == ["Lille"]
    assert [str(warning.message) for warning in caught] == []
