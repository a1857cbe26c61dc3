"""What the board's pages share: reading an uploaded file from a form, asking for it again when
the form is sent back, sending a file, the page asked for."""


from flask import request

from cohort.board import services
from cohort.core.downloads import send_download


def file_in(field) -> services.FileIn | None:
    """The file a form's file field carries, or None when none was chosen."""
    storage = field.data if field is not None else None
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return services.FileIn(storage.filename, storage.read())


def ask_again_for_files(*fields) -> None:
    """On a form sent back to be put right, say on each file field that had a file chosen
    that it was not kept (a browser never fills a file in again), unless the field already
    says what is wrong with the file."""
    for field in fields:
        name = getattr(field.data, "filename", "")
        if name and not field.errors:
            field.errors = [f"The file you chose ({name}) was not kept: choose it again"]


def download(attachment):
    """The attached file as a download (core's send_download), never shown inline."""
    return send_download(attachment.data, attachment.filename, attachment.content_type)


def page_arg() -> str | None:
    return request.args.get("page")
