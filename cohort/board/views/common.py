"""What the board's pages share: reading an uploaded file from a form, sending a file, the
page asked for."""


from flask import request

from cohort.board import services
from cohort.core.downloads import send_download


def file_in(field) -> services.FileIn | None:
    """The file a form's file field carries, or None when none was chosen."""
    storage = field.data if field is not None else None
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return services.FileIn(storage.filename, storage.read())


def download(attachment):
    """The attached file as a download (core's send_download), never shown inline."""
    return send_download(attachment.data, attachment.filename, attachment.content_type)


def page_arg() -> str | None:
    return request.args.get("page")
