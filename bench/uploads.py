"""Time the upload check on Office files, ordinary and hostile.

    .venv/bin/python bench/uploads.py [--runs 5]

Builds in memory: a .docx of 200,000 empty parts (the many-parts attack), a .docx of as many
parts as the check allows, an ordinary .docx of 2,000 parts, and one with a 15 MB picture,
checked against a 25 MB upload limit so that the size limit is not what refuses the first.
Prints, for each, its size, the median time of `check_upload`, the most memory it took
(tracemalloc) and its answer. Never passes or fails: the figures are for reading and comparing.
"""

import argparse
import io
import random
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cohort.core import containers  # noqa: E402
from cohort.core.uploads import UploadError, check_upload  # noqa: E402

MB = 1024 * 1024
TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
         b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx(parts: int, filler: bytes = b"", picture: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("_rels/.rels", b'<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", b'<?xml version="1.0"?><w:document/>')
        for n in range(parts - 3 - bool(picture)):
            archive.writestr(f"w/{n:x}.xml", filler, compress_type=None if filler else
                             zipfile.ZIP_STORED)
        if picture:
            archive.writestr("word/media/image1.jpeg", random.Random(1).randbytes(picture),
                             compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def measure(data: bytes, memory: bool) -> tuple[float, int, str]:
    if memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        check_upload("bench.docx", data, max_bytes=25 * MB)
        answer = "accepted"
    except UploadError as refused:
        answer = f"refused: {refused}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    tracemalloc.stop()
    return elapsed, peak, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    cases = {
        "200,000 empty parts": docx(200_000),
        f"{containers.LIMITS.entries:,} parts (the cap)": docx(containers.LIMITS.entries,
                                                                b"<w:p/>" * 20),
        "2,000 parts": docx(2_000, b"<w:p/>" * 200),
        "a 15 MB picture": docx(10, picture=15 * MB),
    }
    print(f"{'file':<26} {'size MB':>8} {'median s':>9} {'peak MB':>8}  answer")
    for name, data in cases.items():
        times = [measure(data, memory=False)[0] for _ in range(runs)]  # tracemalloc slows it
        median = statistics.median(times)
        results = [measure(data, memory=True)]
        peak = results[0][1]
        print(f"{name:<26} {len(data) / MB:>8.1f} {median:>9.3f} {peak / MB:>8.1f}  "
              f"{results[0][2][:70]}")


if __name__ == "__main__":
    main()
