"""CSV files, the one way: csv_lines() writes rows as the lines of a CSV file, one at a time so
that a long file is streamed, and every cell through safe_cell(): a cell a spreadsheet would
run as a formula (starting =, +, -, @, a tab or a line break) is kept as text with a leading
apostrophe. Lines end in CRLF (RFC 4180); there is no byte order mark."""

import csv
from collections.abc import Iterable, Iterator

__all__ = ["FORMULA_STARTS", "csv_lines", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """The value as a cell's text: None is empty; a would-be formula gets a leading "'"."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file that hands back what is written to it: csv.writer's writerow() returns the
    line it wrote."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Iterable], header: Iterable | None = None) -> Iterator[str]:
    """The CSV file's lines (str, each ending in CRLF): the header, when given, then each row;
    every cell through safe_cell(). An empty row is an empty line."""
    writer = csv.writer(_Line())
    if header is not None:
        yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
