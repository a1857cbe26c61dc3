"""A look inside zip containers (Office Open XML, OpenDocument) before one is kept: the count of
parts and their expanded size are capped from the central directory before any part is read,
then every part is read a chunk at a time for programs and macros (DESIGN.md section 6)."""

import posixpath
import re
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

import puremagic

__all__ = ["LIMITS", "OLE2", "ZIP", "Damaged", "Limits", "Refused", "check_archive",
           "check_parts", "is_program", "ole_has_macros", "ole_installer"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The caps on a container, all in one place. An Office file of a few hundred pages has a
    few hundred parts and expands some ten times; these leave ample room above that."""

    entries: int = 10_000  # parts, counting those of containers inside
    expanded_bytes: int = 200 * MB  # the parts' size once expanded, all containers together
    ratio: int = 200  # how many times a part (or the whole file) may expand...
    ratio_grace_bytes: int = MB  # ...once it is bigger than this: small parts may expand more
    xml_part_bytes: int = 16 * MB  # the largest relationships or manifest part read
    nesting: int = 3  # the upload, a container in it, and one in that
    head_bytes: int = 4096  # read from each part to tell what it is
    chunk_bytes: int = 64 * 1024  # read at a time from a part
    spool_bytes: int = 4 * MB  # a container inside kept in memory up to this, then on disk


LIMITS = Limits()


class Refused(Exception):
    """The container holds something never accepted; the argument is the user's message."""


class Damaged(Exception):
    """The container is not a readable zip archive."""


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
# Programs by their first bytes. MZ counts only with the zero bytes every DOS/PE header has, so
# text that happens to begin with "MZ" is not taken for one.
EXECUTABLE_PREFIXES = (
    b"\x7fELF",  # Linux and most Unix
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"\x00asm",  # WebAssembly
    b"#!/", b"#! /",  # a script for an interpreter
    b"L\x00\x00\x00\x01\x14\x02\x00",  # a Windows shortcut, which can run a command
)
# Windows Installer files (.msi, .msp, .mst) are OLE2 like old Office files; their root
# storage carries one of these class ids.
INSTALLER_CLASSES = {uuid.UUID(f"000C108{n}-0000-0000-C000-000000000046").bytes_le
                     for n in (2, 4, 6)}
# The stream every VBA project has, as an OLE2 directory names it (UTF-16).
VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
# The stream in which Office's Packager embeds a file, and what in it shows a program: a file
# name it is known by, or the words every Windows program's header carries, or Linux's header.
PACKAGE_STREAM = "Ole10Native".encode("utf-16-le")
# Kinds of program that have no first bytes to know them by, or that puremagic names.
PROGRAM_EXTENSIONS = {
    "exe", "dll", "com", "scr", "pif", "cpl", "msi", "msp", "mst", "sys", "drv", "ocx",
    "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "reg",
    "msc", "jar", "class", "sh", "bash", "elf", "so", "dylib", "app", "appimage", "apk", "py",
}
PACKAGED_PROGRAM = re.compile(
    rb"\.(?:" + "|".join(sorted(PROGRAM_EXTENSIONS)).encode()
    + rb")\x00|This program cannot be run in DOS mode|\x7fELF[\x01\x02][\x01\x02]",
    re.IGNORECASE)
MACRO_EXTENSIONS = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam",
                    "sldm"}
# Parts of an Office file that puremagic need not look at: the first-byte checks above are
# enough for these, and puremagic is slow enough to matter on thousands of parts.
COMMON_PARTS = {"xml", "rels", "png", "jpg", "jpeg", "gif", "emf", "wmf", "bin", "odttf",
                "vml", "tif", "tiff", "bmp", "wdp", "svg", "ttf", "fntdata", "rdf", "txt", ""}
MACRO_PART = re.compile(r"(vbaproject.*\.bin|vbadata\.xml)$")
MACRO_TYPE_WORDS = ("macroenabled", "vbaproject", "vbadata")
SCRIPT_TYPE_WORDS = ("javascript", "ecmascript", "vbscript", "beanshell", "python", "basic",
                     "java", "x-sh", "x-csh", "msdownload", "msdos-program", "executable")
SCRIPT_FOLDERS = ("basic/", "scripts/")  # OpenDocument's macros and scripts


@dataclass
class _Budget:
    """What is left of the limits as containers inside containers are opened."""

    limits: Limits
    entries: int = 0
    expanded: int = 0
    where: list[str] = field(default_factory=list)


def _shown(name: str) -> str:
    """A part's name fit for a message: printable, and not too long."""
    name = "".join(char if char.isprintable() else "_" for char in name)
    return name if len(name) <= 120 else f"{name[:117]}..."


def _place(budget: _Budget, name: str) -> str:
    return " in ".join(_shown(n) for n in [name, *reversed(budget.where)])


def _program(budget: _Budget, name: str) -> Refused:
    return Refused(f"The file holds a program ({_place(budget, name)}) and cannot be shared.")


def _macros(budget: _Budget, name: str) -> Refused:
    return Refused(f"The file holds macros ({_place(budget, name)}) and cannot be shared: "
                   "save it without macros and try again.")


def _unreadable(budget: _Budget, name: str) -> Refused:
    return Refused(f"The file has a part that cannot be checked ({_place(budget, name)}) and "
                   "cannot be shared: save it again from its program and try again.")


def is_program(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a program."""
    if head.startswith(b"MZ") and b"\x00" in head[2:64]:
        return True
    return head.startswith(EXECUTABLE_PREFIXES)


def ole_installer(data: bytes) -> bool:
    """Whether an OLE2 file's root entry names a Windows Installer class; `data` must reach the
    root entry (the first directory sector)."""
    offset = _ole_root_offset(data)
    return offset is not None and data[offset + 0x50:offset + 0x60] in INSTALLER_CLASSES


def _ole_root_offset(head: bytes) -> int | None:
    if not head.startswith(OLE2) or len(head) < 512:
        return None
    shift = int.from_bytes(head[30:32], "little")
    if shift not in (9, 12):
        return None
    return (int.from_bytes(head[48:52], "little") + 1) * (1 << shift)


def ole_has_macros(data: bytes) -> bool:
    """Whether an OLE2 file (an old Word or Excel file, an embedded object) has a VBA project."""
    return data.startswith(OLE2) and VBA_STREAM in data


def _count_central_directory(fp: IO[bytes], limit: int) -> int:
    """The number of entries ZipFile would read from the central directory, counted without
    building them and given up past `limit`; raises Damaged when there is no directory.

    The end record is read by zipfile's own reader, and the directory walked as ZipFile walks
    it (by its size in bytes, not the count the end record claims), so a forged count cannot
    make ZipFile build more entries than were counted here."""
    try:
        end = zipfile._EndRecData(fp)
    except (OSError, zipfile.BadZipFile) as error:
        raise Damaged() from error
    if not end:
        raise Damaged()
    claimed, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    if claimed > limit:
        return claimed
    start = end[zipfile._ECD_LOCATION] - size
    if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:
        start -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator
    if start < 0:
        raise Damaged()
    count = walked = 0
    while walked < size and count <= limit:
        fp.seek(start + walked)
        header = fp.read(zipfile.sizeCentralDir)
        if len(header) != zipfile.sizeCentralDir or not header.startswith(b"PK\x01\x02"):
            raise Damaged()
        name, extra, comment = (int.from_bytes(header[i:i + 2], "little") for i in (28, 30, 32))
        walked += zipfile.sizeCentralDir + name + extra + comment
        count += 1
    return count


def _open(fp: IO[bytes], size: int, budget: _Budget) -> zipfile.ZipFile:
    """Open a container once its entries and expanded size are within the budget; raises
    Refused or Damaged."""
    limits = budget.limits
    room = limits.entries - budget.entries
    if _count_central_directory(fp, room) > room:
        raise Refused(f"The file holds more than {limits.entries:,} parts, too many to check, "
                      "and cannot be shared.")
    try:
        archive = zipfile.ZipFile(fp)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            ValueError, EOFError) as error:
        raise Damaged() from error
    entries = archive.infolist()
    expanded = sum(info.file_size for info in entries)
    budget.entries += len(entries)
    budget.expanded += expanded
    if budget.expanded > limits.expanded_bytes:
        raise Refused(f"The file would expand to more than {limits.expanded_bytes // MB} MB "
                      "and cannot be shared.")
    for info in entries:
        if (info.file_size > limits.ratio_grace_bytes
                and info.file_size > limits.ratio * max(info.compress_size, 1)):
            raise Refused(f"The file has a part that expands over {limits.ratio} times "
                          f"({_place(budget, info.filename)}), as a zip bomb does, and cannot "
                          "be shared.")
    if expanded > limits.ratio_grace_bytes and expanded > limits.ratio * size:
        raise Refused(f"The file expands over {limits.ratio} times its size, as a zip bomb "
                      "does, and cannot be shared.")
    return archive


def check_archive(fp: IO[bytes], size: int, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """Open a container of `size` bytes within `limits`; the returned archive is to be passed
    to check_parts once its kind is known. Raises Refused (with the user's message) or
    Damaged."""
    return _open(fp, size, _Budget(limits))


def check_parts(archive: zipfile.ZipFile, limits: Limits = LIMITS) -> None:
    """Look at every part of an archive opened by check_archive, and at every container
    inside it: raises Refused when one is a program or macros, or cannot be read."""
    budget = _Budget(limits, entries=len(archive.infolist()),
                     expanded=sum(i.file_size for i in archive.infolist()))
    _check_parts(archive, budget)


def _check_parts(archive: zipfile.ZipFile, budget: _Budget) -> None:
    for info in archive.infolist():
        _check_name(info.filename, budget)
        if info.is_dir() or info.file_size == 0:
            continue
        try:
            with archive.open(info) as part:
                _check_part(info, part, budget)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
                ValueError, zlib.error, expat.ExpatError) as error:
            raise _unreadable(budget, info.filename) from error


def _check_name(name: str, budget: _Budget) -> None:
    lower = name.lower()
    extension = posixpath.splitext(lower)[1].lstrip(".")
    if (lower.startswith(SCRIPT_FOLDERS) or extension in MACRO_EXTENSIONS
            or MACRO_PART.search(posixpath.basename(lower))):
        raise _macros(budget, name)
    if extension in PROGRAM_EXTENSIONS:
        raise _program(budget, name)


def _chunks(head: bytes, part: IO[bytes], size: int) -> Iterator[bytes]:
    yield head
    while chunk := part.read(size):
        yield chunk


def _check_part(info: zipfile.ZipInfo, part: IO[bytes], budget: _Budget) -> None:
    limits, name = budget.limits, info.filename
    head = part.read(limits.head_bytes)
    if is_program(head):
        raise _program(budget, name)
    extension = posixpath.splitext(name.lower())[1].lstrip(".")
    if extension not in COMMON_PARTS and _puremagic_says_program(head):
        raise _program(budget, name)
    chunks = _chunks(head, part, limits.chunk_bytes)
    if head.startswith(OLE2):
        _check_ole(chunks, budget, name)
    elif head.startswith(ZIP):
        _check_inner_container(info, chunks, budget)
    elif _xml_part(name):
        if info.file_size > limits.xml_part_bytes:
            raise _unreadable(budget, name)
        _check_xml(chunks, budget, name)


def _puremagic_says_program(head: bytes) -> bool:
    try:
        guesses = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return False
    return any(g.extension.lstrip(".").lower() in PROGRAM_EXTENSIONS
               or "executable" in g.name.lower() for g in guesses[:1])


def _check_ole(chunks: Iterator[bytes], budget: _Budget, name: str) -> None:
    """An OLE2 part (an embedded object or old Office file): refused when it is an installer,
    has a VBA project, or packages a program (an Ole10Native stream, which Office's Packager
    uses to embed any file as an icon, holding a program's name or its first bytes). Read a
    chunk at a time, the end of the last chunk kept so that nothing sought is split."""
    read, tail, root, root_bytes = 0, b"", None, b""
    packaged = program = False
    for chunk in chunks:
        if root is None:
            root = _ole_root_offset(chunk) or -1
        if root >= 0 and read <= root + 0x60 and read + len(chunk) > root:
            root_bytes += chunk[max(root - read, 0):root + 0x60 - read]
        window = tail + chunk
        if VBA_STREAM in window:
            raise _macros(budget, name)
        packaged = packaged or PACKAGE_STREAM in window
        program = program or bool(PACKAGED_PROGRAM.search(window))
        tail = chunk[-300:]
        read += len(chunk)
    if packaged and program or (len(root_bytes) >= 0x60
                                and root_bytes[0x50:0x60] in INSTALLER_CLASSES):
        raise _program(budget, name)


def _check_inner_container(info: zipfile.ZipInfo, chunks: Iterator[bytes],
                           budget: _Budget) -> None:
    """A container inside (an embedded workbook, a jar): its parts are checked as the
    upload's are, its entries and size counted in the same budget."""
    if len(budget.where) + 1 >= budget.limits.nesting:
        raise Refused(f"The file holds containers inside containers too deeply "
                      f"({_place(budget, info.filename)}) to check, and cannot be shared.")
    with tempfile.SpooledTemporaryFile(max_size=budget.limits.spool_bytes) as spool:
        for chunk in chunks:
            spool.write(chunk)
        size = spool.tell()
        budget.where.append(info.filename)
        try:
            inner = _open(spool, size, budget)
        except Damaged as error:
            budget.where.pop()
            raise _unreadable(budget, info.filename) from error
        with inner:
            _check_parts(inner, budget)
        budget.where.pop()


def _xml_part(name: str) -> bool:
    """Whether a part says what the others are: relationships, content types, a manifest."""
    lower = name.lower()
    return (lower.endswith(".rels") or lower == "[content_types].xml"
            or lower == "meta-inf/manifest.xml")


def _check_xml(chunks: Iterator[bytes], budget: _Budget, name: str) -> None:
    """Read a relationships, content types or manifest part as it streams in: refused when it
    points at a macro part or declares a macro or script type. An entity declaration is
    refused too, so no part can expand itself while parsed."""
    parser = expat.ParserCreate()  # names are matched by their local part, whatever prefix

    def no_entities(*_args) -> None:
        raise _unreadable(budget, name)

    def element(tag: str, attributes: dict[str, str]) -> None:
        found = _macro_reference(tag.rpartition(":")[2],
                                 {k.rpartition(":")[2]: v for k, v in attributes.items()})
        if found is not None:
            raise _macros(budget, found)

    parser.EntityDeclHandler = no_entities
    parser.StartElementHandler = element
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _macro_reference(tag: str, attributes: dict[str, str]) -> str | None:
    """The part an element of a relationships, content types or manifest part shows to be
    macros or a script, or None."""
    if tag == "Relationship":
        kind = attributes.get("Type", "").rstrip("/").rpartition("/")[2].lower()
        target = attributes.get("Target", "")
        lower = target.lower().split("?")[0].split("#")[0]
        if kind.startswith("vbaproject") or kind == "wordvbadata":
            return target
        # A link the reader may follow is no part of the file; a template or part is loaded.
        if kind != "hyperlink" and (MACRO_PART.search(lower) or posixpath.splitext(lower)[1]
                                    .lstrip(".") in MACRO_EXTENSIONS):
            return target
    elif tag in ("Default", "Override"):
        if any(word in attributes.get("ContentType", "").lower() for word in MACRO_TYPE_WORDS):
            return (attributes.get("PartName", "").lstrip("/")
                    or f"*.{attributes.get('Extension', '')}")
    elif tag == "file-entry":
        path = attributes.get("full-path", "")
        media_type = attributes.get("media-type", "").lower()
        if (path.lower().startswith(SCRIPT_FOLDERS)
                or any(word in media_type for word in SCRIPT_TYPE_WORDS)):
            return path
    return None
