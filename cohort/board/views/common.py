"""What the board's pages share: reading an uploaded file from a form, sending a file, the
page asked for."""

from urllib.parse import quote

from flask import Response, request

from cohort.board import services


def file_in(field) -> services.FileIn | None:
    """The file a form's file field carries, or None when none was chosen."""
    storage = field.data if field is not None else None
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return services.FileIn(storage.filename, storage.read())


def download(attachment):
    """The file as a download, never shown inline; its name safe in the header."""
    fallback = attachment.filename.encode("ascii", "replace").decode().replace('"', "'")
    disposition = (f'attachment; filename="{fallback}"; '
                   f"filename*=UTF-8''{quote(attachment.filename, safe='')}")
    return Response(attachment.data, mimetype=attachment.content_type, headers={
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


def page_arg() -> str | None:
    return request.args.get("page")
