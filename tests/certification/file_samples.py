"""Small valid sample files built in memory with the standard library, and a few bad ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_TYPE = "application/vnd.oasis.opendocument.text"

RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


def pdf_bytes(text: str = "Verbale di verifica") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """An RGB PNG, all blue."""
    row = b"\x00" + b"\x00\x33\x99" * width  # filter byte, then pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(row * height))
        + _png_chunk(b"IEND", b"")
    )


# A 1×1 baseline JPEG (white), the classic smallest valid file.
JPEG_1X1 = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b"
    "0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432"
    "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a"
    "0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191"
    "a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a53"
    "5455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5"
    "a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2"
    "f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9"
)


def jpeg_bytes() -> bytes:
    return JPEG_1X1


def _zip(entries: list[tuple[str, bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, method in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data, method)
    return out.getvalue()


def _content_types(main_part: str, main_type: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="{main_part}" ContentType="{main_type}"/>'
        f"{extra}</Types>"
    ).encode()


def _root_rels(target: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{RELS_NS}">'
        f'<Relationship Id="rId1" Type="{OFFICE_DOC_REL}" Target="{target}"/>'
        "</Relationships>"
    ).encode()


def docx_bytes(text: str = "Procedura di gestione del consenso") -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    deflated = zipfile.ZIP_DEFLATED
    return _zip(
        [
            (
                "[Content_Types].xml",
                _content_types("/word/document.xml", DOCX_TYPE + ".main+xml"),
                deflated,
            ),
            ("_rels/.rels", _root_rels("word/document.xml"), deflated),
            ("word/document.xml", document, deflated),
        ]
    )


def xlsx_bytes() -> bytes:
    workbook = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<sheets><sheet name="Formazione" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{RELS_NS}">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ).encode()
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Operatore</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    sheet_override = (
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    deflated = zipfile.ZIP_DEFLATED
    return _zip(
        [
            (
                "[Content_Types].xml",
                _content_types("/xl/workbook.xml", XLSX_TYPE + ".main+xml", sheet_override),
                deflated,
            ),
            ("_rels/.rels", _root_rels("xl/workbook.xml"), deflated),
            ("xl/workbook.xml", workbook, deflated),
            ("xl/_rels/workbook.xml.rels", workbook_rels, deflated),
            ("xl/worksheets/sheet1.xml", sheet, deflated),
        ]
    )


def odt_bytes(text: str = "Registro della formazione") -> bytes:
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        f'manifest:media-type="{ODT_TYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    ).encode()
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
        "</office:document-content>"
    ).encode()
    return _zip(
        [
            ("mimetype", ODT_TYPE.encode("ascii"), zipfile.ZIP_STORED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
            ("content.xml", content, zipfile.ZIP_DEFLATED),
        ]
    )


def exe_bytes() -> bytes:
    """The start of a Windows executable: "MZ", the DOS stub, the PE header."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44
    stub += struct.pack("<I", 64)  # e_lfanew
    return stub + b"PE\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def html_bytes() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def plain_zip_bytes() -> bytes:
    return _zip([("note.txt", b"non sono un documento", zipfile.ZIP_DEFLATED)])


def zip_bomb_bytes(uncompressed_mb: int) -> bytes:
    """A DOCX-shaped archive whose document expands to `uncompressed_mb` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            _content_types("/word/document.xml", DOCX_TYPE + ".main+xml"),
        )
        archive.writestr("_rels/.rels", _root_rels("word/document.xml"))
        with archive.open("word/document.xml", "w", force_zip64=True) as handle:
            block = b"\x00" * (1024 * 1024)
            for _ in range(uncompressed_mb):
                handle.write(block)
    return out.getvalue()


def many_entries_zip_bytes(count: int) -> bytes:
    entries = [
        (
            "[Content_Types].xml",
            _content_types("/word/document.xml", DOCX_TYPE + ".main+xml"),
            zipfile.ZIP_DEFLATED,
        ),
        ("word/document.xml", b"<w:document/>", zipfile.ZIP_DEFLATED),
    ]
    entries += [(f"word/media/{i}.txt", b"x", zipfile.ZIP_STORED) for i in range(count)]
    return _zip(entries)


SAMPLES = {
    "pdf": ("verbale.pdf", pdf_bytes, "application/pdf"),
    "png": ("schermata.png", png_bytes, "image/png"),
    "jpeg": ("foto sede.jpg", jpeg_bytes, "image/jpeg"),
    "docx": ("procedura.docx", docx_bytes, DOCX_TYPE),
    "xlsx": ("registro formazione.xlsx", xlsx_bytes, XLSX_TYPE),
    "odt": ("informativa.odt", odt_bytes, ODT_TYPE),
}


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    """What Django hands a view: the browser's name and content type, neither to be trusted."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def sample_upload(kind: str) -> SimpleUploadedFile:
    name, build, content_type = SAMPLES[kind]
    return upload(name, build(), content_type)
