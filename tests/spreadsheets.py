"""LibreOffice workbooks (.ods) for the tests, written as LibreOffice writes them: a zip whose
first entry is the uncompressed mimetype, the cells in content.xml (repeated rows and columns
as LibreOffice compresses them), the sheets listed in the manifest."""

import io
import zipfile
from xml.sax.saxutils import escape

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
              'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
              'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')
# The style LibreOffice gives a hidden sheet.
HIDDEN_STYLE = ('<office:automatic-styles><style:style style:name="ta2" style:family="table">'
                '<style:table-properties table:display="false"/></style:style>'
                "</office:automatic-styles>")
# What LibreOffice writes after the last row of every sheet: the empty rest of the sheet.
EMPTY_REST = ('<table:table-row table:number-rows-repeated="1048500"><table:table-cell '
              'table:number-columns-repeated="1024"/></table:table-row>')


def cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:g}"   # as LibreOffice's default format shows it: 1001, 2015.5
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{shown}</text:p></table:table-cell>")
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")


def rows_xml(rows: list[list]) -> str:
    return "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
                   for row in rows)


def ods_bytes(sheets: dict[str, list[list] | str], encrypted: bool = False,
              hidden: tuple[str, ...] = ()) -> bytes:
    """A workbook of these sheets: rows of values, or the raw XML of a sheet's rows; the
    sheets named in hidden are hidden."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}"'
        + (' table:style-name="ta2"' if name in hidden else "") + ">"
        + (rows if isinstance(rows, str) else rows_xml(rows) + EMPTY_REST) + "</table:table>"
        for name, rows in sheets.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES} '
               f'office:version="1.3">{HIDDEN_STYLE}<office:body><office:spreadsheet>{tables}'
               "</office:spreadsheet></office:body></office:document-content>")
    encryption = ('<manifest:encryption-data manifest:checksum-type="SHA256"/>'
                  if encrypted else "")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                f'manifest:media-type="text/xml">{encryption}</manifest:file-entry>'
                "</manifest:manifest>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE)   # stored, first
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()
