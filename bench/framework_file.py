"""Time reading framework files: what must be refused at once, and the largest file accepted.

    .venv/bin/python bench/framework_file.py [--runs 5] [--database-url URL]

Prints the median time to refuse a 45 KB file of YAML aliases (one anchored hallmark repeated
5,000 times, one anchored factor repeated 5,000 times) and 10 KB of nested lists, to read a
framework of nearly 512 KB (the largest accepted: five levels, hallmarks with long
descriptors), and to import that framework into a cohort (a fresh database, a temporary
SQLite file by default): first into an empty cohort, then again once a round is open, which
makes a new version. Never passes or fails: the figures are for reading and comparing.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402

from cohort.core.database import commit  # noqa: E402
from cohort.plans.services.framework_file import (  # noqa: E402
    FrameworkFileError,
    FrameworkSpec,
    HallmarkSpec,
    LevelSpec,
    dump,
    parse,
)
from config import TestingConfig  # noqa: E402

MAX_BYTES = TestingConfig.FRAMEWORK_UPLOAD_KB * 1024  # the largest framework file accepted
LEVELS = [LevelSpec(f"level-{n}", f"Level {n}", "What the level means. " * 20) for n in range(5)]


def largest() -> bytes:
    """A framework just under the size limit."""
    hallmarks: list[HallmarkSpec] = []
    text = dump(FrameworkSpec("large", "Large", LEVELS, hallmarks))
    while True:
        hallmarks.append(HallmarkSpec(
            str(len(hallmarks) + 1), f"Hallmark {len(hallmarks) + 1}",
            {level.key: "How the work looks at this level. " * 30 for level in LEVELS},
            "Factors", [f"Factor {n}" for n in range(10)]))
        longer = dump(FrameworkSpec("large", "Large", LEVELS, hallmarks))
        if len(longer.encode()) > MAX_BYTES:
            hallmarks.pop()
            return text.encode()
        text = longer


def bomb() -> bytes:
    head = ("format: cohort-framework/1\nkey: bomb\nname: Bomb\nlevels:\n  - {key: a, name: A}\n"
            "  - {key: b, name: B}\nhallmarks:\n  - &h\n    key: \"1\"\n    name: One\n"
            "    descriptors: {a: x, b: y}\n    factors:\n      name: F\n      items: [&f f, ")
    return (head + ", ".join(["*f"] * 5000) + "]\n" + "  - *h\n" * 5000).encode()


def median(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refused(data: bytes):
    def work():
        try:
            parse(data)
        except FrameworkFileError:
            return
        raise AssertionError("the file was accepted")
    return work


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    big = largest()
    print(f"refuse 45 KB of aliases ({len(bomb()) // 1024} KB): "
          f"{median(args.runs, refused(bomb())) * 1000:.1f} ms")
    deep = ("[" * 5000 + "]" * 5000).encode()
    print(f"refuse 5,000 nested lists: {median(args.runs, refused(deep)) * 1000:.1f} ms")
    spec = parse(big)
    print(f"read the largest framework ({len(big) // 1024} KB, {len(spec.hallmarks)} hallmarks):"
          f" {median(args.runs, lambda: parse(big)) * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        app = fresh_app(TestingConfig, url, MAIL_DIRECTORY=folder)
        with app.app_context():
            from cohort.cohorts.services import create_cohort
            from cohort.plans import services

            cohort = create_cohort(None, "Bench", status="running")
            commit()
            start = time.perf_counter()
            framework = services.import_file(None, cohort, big, "large.yaml")
            commit()
            print(f"import it into an empty cohort: {(time.perf_counter() - start) * 1000:.0f} ms")
            services.choose_framework(None, cohort, framework)
            services.open_round(None, cohort, "Start of the programme")
            commit()
            start = time.perf_counter()
            framework = services.import_file(None, cohort, big, "large.yaml")
            commit()
            print(f"import it again once a round is open (version {framework.version}): "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
