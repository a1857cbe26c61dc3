"""Profile one page of the demo with pyinstrument: where the time of a GET goes.

    .venv/bin/python bench/profile.py [PATH] [--as EMAIL] [--requests 200] [--database-url URL]

Builds the demo in a temporary SQLite file (or the database named by --database-url, whose
records are replaced), signs in as EMAIL (the facilitator by default) with the test client,
warms the page up, then profiles REQUESTS GETs of PATH (default: the running cohort's roster)
and prints pyinstrument's call tree. PATH may use {running} for the running cohort's id.
Never passes or fails: the output is for reading.
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fresh import fresh_app  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from sqlalchemy import select  # noqa: E402

from cohort import demo  # noqa: E402
from cohort.cohorts.models import Cohort  # noqa: E402
from cohort.core.database import commit  # noqa: E402
from cohort.extensions import db  # noqa: E402
from config import DevelopmentConfig  # noqa: E402

PASSWORD = "bench-profile-password"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default="/cohorts/{running}/roster")
    parser.add_argument("--as", dest="email", default="facilitator@example.org")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cohort-profile-") as folder:
        url = args.database_url or f"sqlite:///{folder}/cohort.sqlite3"

        app = fresh_app(DevelopmentConfig, url, MAIL_BACKEND="memory")
        with app.app_context():
            demo.load(PASSWORD)
            commit()
            running = db.session.execute(
                select(Cohort.id).where(Cohort.status == "running")).scalar_one()
            db.session.remove()
        path = args.path.format(running=running)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"csrf_token": token, "email": args.email,
                                    "password": PASSWORD})
        for _ in range(20):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
