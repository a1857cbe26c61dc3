"""Stored files' one way in: every uploaded file (a board attachment, a session's material, a
framework file) passes accept_upload(), which checks a safe name, a kind allowed for what the
file is for, the size limit, and content that matches the name, its containers' contents
included (DESIGN.md section 6: type checked by content as well as by name).

The size limits are in one place: config keys (PURPOSES names them) whose defaults are
declared in config.py's Config, read here and nowhere else; pages show them with
limit_text()."""

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import puremagic
from flask import current_app

from cohort.core import containers
from cohort.core.containers import OLE2, ZIP
from cohort.core.database import end_read
from cohort.core.errors import UserError
from cohort.core.words import listed

__all__ = ["KINDS", "PURPOSES", "CheckedFile", "Kind", "Purpose", "UploadError",
           "accept_upload", "check_upload", "limit_text", "safe_filename", "upload_limit"]

MAX_NAME = 200
KB = 1024
MB = 1024 * KB


class UploadError(UserError):
    """A refused upload: the message says what to do; shown on the form's file field."""

    def __init__(self, message: str, field: str | None = "file"):
        super().__init__(message, field)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: the name to store and show, what it is, and its bytes."""

    filename: str
    extension: str
    content_type: str
    size: int
    sha256: str
    data: bytes = b""


class _Mismatch(Exception):
    """The content is not what the name says; the argument says what it is instead."""


@dataclass(frozen=True)
class Kind:
    """An allowed kind of file: the type it is served as, the family named in messages
    ("Word"), what one is called ("a Word document") and how its content is checked."""

    content_type: str
    family: str
    called: str
    inspect: Callable[[bytes, "Kind"], None]


def _is_program(data: bytes) -> bool:
    return containers.is_program(data) or containers.ole_installer(data)


def _magic(data: bytes) -> list:
    """puremagic's guesses from the content alone (a name would sway it), best first."""
    try:
        return [m for m in puremagic.magic_string(data) if m.offset >= 0]
    except (puremagic.PureError, ValueError):
        return []


def _what_it_looks_like(data: bytes) -> str:
    if data.startswith(ZIP):
        return "it is a zip archive"
    guesses = _magic(data)
    if guesses and guesses[0].extension:
        return f"it looks like a {guesses[0].extension} file"
    return "its type is not recognised"


def _by_magic(prefix: bytes, *extensions: str) -> Callable[[bytes, Kind], None]:
    """A check by magic bytes: puremagic must see one of `extensions` (with the dot), and the
    content must begin with `prefix` when one is given."""
    def inspect(data: bytes, kind: Kind) -> None:
        seen = {m.extension.lower() for m in _magic(data)}
        if not data.startswith(prefix) or not seen & set(extensions):
            raise _Mismatch(_what_it_looks_like(data))
    return inspect


def _by_ole_magic(*extensions: str) -> Callable[[bytes, Kind], None]:
    """A check of an old Office file: an OLE2 file that puremagic takes for one of
    `extensions`, with no VBA project in it."""
    by_magic = _by_magic(OLE2, *extensions)

    def inspect(data: bytes, kind: Kind) -> None:
        by_magic(data, kind)
        if containers.ole_has_macros(data):
            raise containers.Refused("The file holds macros and cannot be shared: save it "
                                     "without macros and try again.")
    return inspect


def _open_zip(data: bytes, kind: Kind) -> zipfile.ZipFile:
    """The container opened once its parts are few and small enough (containers.LIMITS)."""
    if not data.startswith(ZIP):
        raise _Mismatch(_what_it_looks_like(data))
    try:
        return containers.check_archive(io.BytesIO(data), len(data))
    except containers.Damaged as error:
        raise _Mismatch(f"it is a damaged zip archive, not {kind.called}") from error


def _office_open_xml(main_part: str) -> Callable[[bytes, Kind], None]:
    """A check of a .docx, .pptx or .xlsx: a zip with the package's content types and its main
    part, whose parts hold no program and no macros (the macro-enabled kinds have names of
    their own)."""
    def inspect(data: bytes, kind: Kind) -> None:
        with _open_zip(data, kind) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or main_part not in names:
                raise _Mismatch(f"it is a zip archive but not {kind.called}")
            containers.check_parts(archive)
    return inspect


def _open_document(data: bytes, kind: Kind) -> None:
    """A check of an OpenDocument file: a zip whose first entry, `mimetype`, names its kind, and
    whose parts hold no program, macros or scripts."""
    with _open_zip(data, kind) as archive:
        entries = archive.infolist()
        if not entries or entries[0].filename != "mimetype":
            raise _Mismatch(f"it is a zip archive but not {kind.called}")
        try:
            with archive.open(entries[0]) as entry:
                declared = entry.read(100).decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
                ValueError, zlib.error) as error:
            raise _Mismatch(f"it is a damaged zip archive, not {kind.called}") from error
        if declared != kind.content_type:
            other = next((k.called for k in KINDS.values() if k.content_type == declared),
                         None)
            raise _Mismatch(f"it is {other}" if other else f"it is not {kind.called}")
        containers.check_parts(archive)


TEXT_MESSAGE = "A text or CSV file must be UTF-8 text"


def _text(data: bytes, kind: Kind) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UploadError(f"{TEXT_MESSAGE}: save it with the UTF-8 encoding and try "
                          "again.") from error
    if b"\x00" in data:
        raise UploadError(f"{TEXT_MESSAGE}, without NUL characters: this one looks like a "
                          "binary file.")


_OLE = _by_ole_magic(".doc", ".xls", ".ppt")
_OPENDOCUMENT = "application/vnd.oasis.opendocument"
_OPENXML = "application/vnd.openxmlformats-officedocument"

# The allowed kinds, by extension. Their order sets the order of the families in messages.
# SVG and HTML are absent on purpose: either can carry a script.
KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", "PDF", "a PDF", _by_magic(b"%PDF-", ".pdf")),
    "doc": Kind("application/msword", "Word", "a Word document", _OLE),
    "docx": Kind(f"{_OPENXML}.wordprocessingml.document", "Word", "a Word document",
                 _office_open_xml("word/document.xml")),
    "ppt": Kind("application/vnd.ms-powerpoint", "PowerPoint", "a PowerPoint presentation",
                _OLE),
    "pptx": Kind(f"{_OPENXML}.presentationml.presentation", "PowerPoint",
                 "a PowerPoint presentation", _office_open_xml("ppt/presentation.xml")),
    "xls": Kind("application/vnd.ms-excel", "Excel", "an Excel workbook", _OLE),
    "xlsx": Kind(f"{_OPENXML}.spreadsheetml.sheet", "Excel", "an Excel workbook",
                 _office_open_xml("xl/workbook.xml")),
    "odt": Kind(f"{_OPENDOCUMENT}.text", "OpenDocument", "an OpenDocument text",
                _open_document),
    "ods": Kind(f"{_OPENDOCUMENT}.spreadsheet", "OpenDocument", "an OpenDocument spreadsheet",
                _open_document),
    "odp": Kind(f"{_OPENDOCUMENT}.presentation", "OpenDocument",
                "an OpenDocument presentation", _open_document),
    "png": Kind("image/png", "image", "a PNG image", _by_magic(b"", ".png")),
    "jpg": Kind("image/jpeg", "image", "a JPEG image", _by_magic(b"", ".jpg", ".jpeg")),
    "jpeg": Kind("image/jpeg", "image", "a JPEG image", _by_magic(b"", ".jpg", ".jpeg")),
    "gif": Kind("image/gif", "image", "a GIF image", _by_magic(b"", ".gif")),
    "webp": Kind("image/webp", "image", "a WebP image", _by_magic(b"", ".webp")),
    "txt": Kind("text/plain", "text", "a text file", _text),
    "csv": Kind("text/csv", "CSV", "a CSV file", _text),
    # Read by its own parser, which names each problem's line (a framework file).
    "yaml": Kind("application/yaml", "YAML", "a YAML file", lambda data, kind: None),
    "yml": Kind("application/yaml", "YAML", "a YAML file", lambda data, kind: None),
}


@dataclass(frozen=True)
class Purpose:
    """What an upload is for: the kinds of file it takes, and the config key of its size limit
    in `unit`s of bytes."""

    allowed: tuple[str, ...]
    limit_key: str
    unit: int


DOCUMENTS = ("pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "odt", "ods", "odp", "png",
             "jpg", "jpeg", "gif", "webp")
PURPOSES: dict[str, Purpose] = {
    "board": Purpose(DOCUMENTS, "BOARD_UPLOAD_MB", MB),  # attachments, drafts, resources
    "material": Purpose((*DOCUMENTS, "txt", "csv"), "MATERIAL_UPLOAD_MB", MB),  # sessions'
    "framework": Purpose(("yaml", "yml"), "FRAMEWORK_UPLOAD_KB", KB),  # a maturity framework
    "people": Purpose(("csv",), "IMPORT_UPLOAD_KB", KB),  # people to invite into a cohort
}


def upload_limit(purpose: str) -> int:
    """The largest file in bytes that `purpose` takes, from the app's config."""
    found = PURPOSES[purpose]
    return int(current_app.config[found.limit_key]) * found.unit


def limit_text(purpose: str) -> str:
    """The limit as pages and messages give it: "20 MB", "512 KB"."""
    return _size(upload_limit(purpose))


def accept_upload(filename: str, data: bytes, *, purpose: str) -> CheckedFile:
    """The one check of an uploaded file, for one of PURPOSES: its name, kind, size and
    content; raises UploadError with the user's message. Call it before anything is written:
    a transaction that has only read is ended first (core.database.end_read), so the check,
    which can take a second on a large container, holds no database lock."""
    end_read()
    return check_upload(filename, data, PURPOSES[purpose].allowed,
                        max_bytes=upload_limit(purpose))


def _size(size: int) -> str:
    if size >= MB:
        return f"{round(size / MB, 1):g} MB"
    return f"{round(size / KB, 1):g} KB"


def safe_filename(filename: str) -> str | None:
    """The file's own name with any folders dropped, letters, marks and digits of any script
    kept with dots, spaces, hyphens and underscores (anything else made `_`), at most 200 long;
    None when nothing sensible remains before its extension."""
    base = re.split(r"[/\\]", filename or "")[-1]
    base = re.sub(r"^[A-Za-z]:", "", base)  # a Windows drive: "C:name.pdf"
    kept = [char if unicodedata.category(char)[0] in "LMN" or char in "._ -" else "_"
            for char in unicodedata.normalize("NFC", base)]
    name = "".join(kept).strip(" ").rstrip(" .")
    stem = name.rpartition(".")[0] if "." in name else name  # "....pdf": nothing before .pdf
    if not any(char.isalnum() for char in stem):
        return None
    name = name.lstrip(" .")  # no hidden file: ".notes.pdf" is "notes.pdf"
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) < 20:
            name = f"{stem[:MAX_NAME - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            name = name[:MAX_NAME].rstrip(" .")
    return name


def check_upload(filename: str, data: bytes, allowed: Iterable[str] | None = None, *,
                 max_bytes: int) -> CheckedFile:
    """accept_upload's checks, with the limit given: by name, size and content against the
    `allowed` extensions (every kind in KINDS when None); raises UploadError with the user's
    message. Modules use accept_upload, which knows each purpose's limit."""
    kinds = list(KINDS) if allowed is None else [e.lower().lstrip(".") for e in allowed]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"no upload kind for {', '.join(sorted(unknown))}")
    kinds = [extension for extension in KINDS if extension in kinds]
    if not data:
        raise UploadError("The file is empty: choose a file that has something in it.")
    name = safe_filename(filename)
    if name is None:
        raise UploadError("The file's name has no letters or digits: rename the file and "
                          "choose it again.")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in kinds:
        families = list(dict.fromkeys(KINDS[e].family for e in kinds))
        raise UploadError(f"The file must be a {listed(families, 'or')} file: its name must end in "
                          f"{listed(['.' + e for e in kinds], 'or')}.")
    if len(data) > max_bytes:
        raise UploadError(f"The file must be {_size(max_bytes)} or smaller.")
    kind = KINDS[extension]
    try:
        if _is_program(data):
            raise _Mismatch("it is a program, and programs are never accepted")
        kind.inspect(data, kind)
    except _Mismatch as mismatch:
        message = f"The file's content is not a .{extension} file: {mismatch}."
        raise UploadError(message) from None
    except containers.Refused as refused:
        raise UploadError(str(refused)) from None
    return CheckedFile(filename=name, extension=extension, content_type=kind.content_type,
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)
