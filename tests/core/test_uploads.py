"""Upload checks: a file passes only when its name, size and content agree; the rest is refused
with a message that says what to do."""

import hashlib
import io
import struct
import uuid
import zipfile
import zlib

import pytest

from cohort.core.errors import UserError
from cohort.core.uploads import KINDS, UploadError, check_upload, safe_filename

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        b"\xff\xdb\x00\x43\x00" + bytes(64) + b"\xff\xd9")
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(120)
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(120)
ALLOWED = (".pdf, .doc, .docx, .ppt, .pptx, .xls, .xlsx, .odt, .ods, .odp, .png, .jpg, .jpeg, "
           ".gif, .webp, .txt, .csv, .yaml or .yml")
UNKNOWN_KIND = ("The file must be a PDF, Word, PowerPoint, Excel, OpenDocument, image, text, "
                f"CSV or YAML file: its name must end in {ALLOWED}.")
OPENDOCUMENT = "application/vnd.oasis.opendocument"


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def webp() -> bytes:
    body = b"WEBPVP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def zipped(entries: dict[str, bytes]) -> bytes:
    """A zip of `entries` in order; a `mimetype` entry is stored uncompressed, as OpenDocument
    asks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            compression = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=compression)
    return buffer.getvalue()


def office_open_xml(main_part: str, *extra: str) -> bytes:
    """A minimal .docx, .xlsx or .pptx: its content types, its relationships and main part."""
    return zipped({
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
                               b'openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        main_part: b'<?xml version="1.0"?><root/>',
        **dict.fromkeys(extra, b"\x00"),
    })


def open_document(mimetype: str) -> bytes:
    return zipped({
        "mimetype": mimetype.encode(),
        "content.xml": b'<?xml version="1.0"?><office:document-content/>',
        "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest/>',
    })


def ole2(class_id: str) -> bytes:
    """A minimal OLE2 compound file whose root entry carries `class_id`."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[26:28] = struct.pack("<H", 3)  # major version 3: 512-byte sectors
    header[28:30] = b"\xfe\xff"
    header[30:32] = struct.pack("<H", 9)
    header[48:52] = struct.pack("<I", 0)  # the directory starts in sector 0
    root = bytearray(512)
    root[0:10] = "Root".encode("utf-16-le") + b"\x00\x00"
    root[0x50:0x60] = uuid.UUID(class_id).bytes_le
    return bytes(header + root)


WORD_CLASS = "00020906-0000-0000-C000-000000000046"
INSTALLER_CLASS = "000C1084-0000-0000-C000-000000000046"


@pytest.mark.parametrize(("filename", "data", "content_type"), [
    ("Notes.docx", office_open_xml("word/document.xml"), KINDS["docx"].content_type),
    ("Budget.xlsx", office_open_xml("xl/workbook.xml"),
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Slides.pptx", office_open_xml("ppt/presentation.xml"),
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("Notes.odt", open_document(f"{OPENDOCUMENT}.text"), f"{OPENDOCUMENT}.text"),
    ("Sums.ods", open_document(f"{OPENDOCUMENT}.spreadsheet"), f"{OPENDOCUMENT}.spreadsheet"),
    ("Talk.odp", open_document(f"{OPENDOCUMENT}.presentation"), f"{OPENDOCUMENT}.presentation"),
    ("Old.doc", ole2(WORD_CLASS), "application/msword"),
    ("Report.PDF", PDF, "application/pdf"),
    ("chart.png", png(), "image/png"),
    ("photo.jpg", JPEG, "image/jpeg"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("wave.gif", GIF, "image/gif"),
    ("tiny.webp", webp(), "image/webp"),
    ("notes.txt", "Café notes\n".encode(), "text/plain"),
    ("scores.csv", b"MZ,1\nAB,2\n", "text/csv"),  # begins like a program, but is text
])
def test_a_file_whose_content_matches_its_name_passes(filename, data, content_type):
    upload = check_upload(filename, data, max_bytes=MB)
    assert upload.filename == filename
    assert upload.extension == filename.rpartition(".")[2].lower()
    assert upload.content_type == content_type
    assert upload.size == len(data)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("filename", "stored"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("a/b.pdf", "b.pdf"),
    ("C:\\Users\\me\\x.pdf", "x.pdf"),
    ("C:x.pdf", "x.pdf"),
    ("..\\..\\boot.pdf", "boot.pdf"),
    ("bad\x00name\r\n.pdf", "bad_name__.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("Résumé 2024.pdf", "Résumé 2024.pdf"),
    ("Re\u0301sume\u0301.pdf", "Résumé.pdf"),  # composed, as the name was typed
    ("Стратегия ٣.pdf", "Стратегия ٣.pdf"),
    ("नीति योजना.pdf", "नीति योजना.pdf"),  # its vowel signs kept with their letters
    ("政策草案.pdf", "政策草案.pdf"),
    ("\u202egpj.pdf", "_gpj.pdf"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_path_parts_and_odd_characters_are_removed_from_the_name(filename, stored):
    assert check_upload(filename, PDF, max_bytes=MB).filename == stored


@pytest.mark.parametrize("filename", ["../..", "/", "..\\..\\", "....", "a/", "", " . _",
                                      "....pdf", ".pdf", "\u202e.pdf"])
def test_a_name_with_nothing_left_is_refused(filename):
    assert safe_filename(filename) is None
    with pytest.raises(UploadError) as refused:
        check_upload(filename, PDF, max_bytes=MB)
    assert str(refused.value) == ("The file's name has no letters or digits: rename the file "
                                  "and choose it again.")


def refusal(filename: str, data: bytes, **options) -> str:
    options.setdefault("max_bytes", MB)
    with pytest.raises(UploadError) as refused:
        check_upload(filename, data, **options)
    assert isinstance(refused.value, UserError)
    assert refused.value.field == "file"
    return str(refused.value)


def test_an_empty_file_is_refused():
    assert refusal("empty.pdf", b"") == "The file is empty: choose a file that has something in it."


def test_an_oversized_file_is_refused_with_the_limit_in_mb():
    assert refusal("big.pdf", PDF + bytes(MB), max_bytes=MB) == "The file must be 1 MB or smaller."
    half = refusal("big.pdf", PDF + bytes(3 * MB), max_bytes=5 * MB // 2)
    assert half == "The file must be 2.5 MB or smaller."
    exactly = PDF + b"0" * (MB - len(PDF))
    assert check_upload("exact.pdf", exactly, max_bytes=MB).size == MB


@pytest.mark.parametrize("filename", ["setup.exe", "page.html", "drawing.svg", "slides",
                                      "archive.tar.gz", "notes.md"])
def test_an_unknown_or_missing_extension_is_refused_listing_the_allowed_ones(filename):
    content = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert refusal(filename, content) == UNKNOWN_KIND


def test_a_caller_may_allow_fewer_kinds():
    docx = office_open_xml("word/document.xml")
    assert refusal("a.docx", docx, allowed=["pdf", ".PNG"]) == (
        "The file must be a PDF or image file: its name must end in .pdf or .png.")
    assert check_upload("a.png", png(), allowed=["pdf", ".PNG"], max_bytes=MB).extension == "png"
    with pytest.raises(ValueError, match="svg"):
        check_upload("a.svg", b"<svg/>", allowed=["svg"], max_bytes=MB)


PROGRAM = "it is a program, and programs are never accepted."


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("slides.pdf", ELF, f"The file's content is not a .pdf file: {PROGRAM}"),
    ("slides.pdf", MZ, f"The file's content is not a .pdf file: {PROGRAM}"),
    ("notes.txt", ELF, f"The file's content is not a .txt file: {PROGRAM}"),
    ("run.txt", b"#!/bin/sh\nrm -rf ~\n", f"The file's content is not a .txt file: {PROGRAM}"),
    ("old.doc", ole2(INSTALLER_CLASS), f"The file's content is not a .doc file: {PROGRAM}"),
    ("notes.docx", zipped({"readme.txt": b"hello"}),
     "The file's content is not a .docx file: it is a zip archive but not a Word document."),
    ("sheet.xlsx", office_open_xml("word/document.xml"),
     "The file's content is not a .xlsx file: it is a zip archive but not an Excel workbook."),
    ("talk.pptx", b"PK\x03\x04" + bytes(100),
     "The file's content is not a .pptx file: it is a damaged zip archive, not a PowerPoint "
     "presentation."),
    ("macro.docx", office_open_xml("word/document.xml", "word/vbaProject.bin"),
     "The file holds macros (word/vbaProject.bin) and cannot be shared: save it without macros "
     "and try again."),
    ("notes.odt", open_document(f"{OPENDOCUMENT}.spreadsheet"),
     "The file's content is not a .odt file: it is an OpenDocument spreadsheet."),
    ("notes.odt", zipped({"content.xml": b"<x/>", "mimetype": f"{OPENDOCUMENT}.text".encode()}),
     "The file's content is not a .odt file: it is a zip archive but not an OpenDocument text."),
    ("notes.odt", office_open_xml("word/document.xml"),
     "The file's content is not a .odt file: it is a zip archive but not an OpenDocument text."),
    ("slides.pdf", b"<html><script>alert(1)</script></html>",
     "The file's content is not a .pdf file: it looks like a .html file."),
    ("slides.pdf", b"random garbage that is nothing at all",
     "The file's content is not a .pdf file: its type is not recognised."),
    ("slides.pdf", zipped({"a.txt": b"a"}),
     "The file's content is not a .pdf file: it is a zip archive."),
    ("photo.png", JPEG, "The file's content is not a .png file: it looks like a .jfif file."),
    ("old.xls", PDF, "The file's content is not a .xls file: it looks like a .pdf file."),
])
def test_content_that_does_not_match_the_name_is_refused(filename, data, message):
    assert refusal(filename, data) == message


@pytest.mark.parametrize(("data", "message"), [
    (b"line one\x00line two\n", "A text or CSV file must be UTF-8 text, without NUL characters: "
                                "this one looks like a binary file."),
    (b"\xff\xfe\x00bad", "A text or CSV file must be UTF-8 text: save it with the UTF-8 encoding "
                         "and try again."),
])
def test_a_text_file_must_be_utf8_without_nul(data, message):
    assert refusal("notes.txt", data) == message
