"""Grow the demo into a national programme's data, in bulk, on SQLite or PostgreSQL.

    .venv/bin/python bench/generate.py --database-url URL [--scale 1.0]

Starts from a database holding the demo (`flask db upgrade`, `flask cohort demo`) and copies it
inside the database, table by table (`INSERT ... SELECT`, no row passes through Python), into
about 1,000 cohorts and 20,000 people, then grows what every cohort holds to a national total:

| what                      | at --scale 1 | how                                                  |
| ------------------------- | ------------ | ---------------------------------------------------- |
| cohorts                   | 1,000        | the demo's two cohorts copied 499 times              |
| people                    | about 20,000 | each copy's people, then a colleague per participant |
| board posts               | about 1 M    | each thread's posts repeated (numbers continue)      |
| survey responses          | about 200 k  | each survey's responses repeated, as people whose    |
|                           |              | data was erased (a pseudonym, no membership)         |
| action items              | about 100 k  | each plan's items (hallmarks, updates) repeated      |
| reminder deliveries       | about 500 k  | each reminder's deliveries repeated as occurrences   |

A copy keeps the demo's shape, so every page has its usual content: a copy's people sign in as
the demo's with a number in their address (`participant01.7@example.org` is participant01 of
copy 7, password the demo's). The demo's own cohorts grow like every other: pages measured as
the demo's people (`bench/floor.py --large`) show a cohort of national size among 1,000. The
demo's evaluator also evaluates the first 19 copies of the finished cohort, so a report can
pool 20 cohorts (the most a report pools).

Ids are the original's plus a multiple of the table's largest id; references to a copied table
follow; unique text (addresses, tokens) gets the copy's number. References that are not foreign
keys (a search entry's post or thread) are mapped by hand below. Prints what it did and how
long each step took. --scale 0.01 builds a hundredth, for a quick look or a test.
"""

import argparse
import math
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Integer, String, Table, create_engine, text  # noqa: E402

from config import driver_url  # noqa: E402

# Kept once for the whole site: the framework library (cohorts point at it), the key that
# makes anonymous pseudonyms, the scheduler's heartbeat, the migrations' version and where
# each table stands for the page cache.
SHARED = {"alembic_version", "pseudonym_key", "scheduler_beat", "framework", "framework_level",
          "hallmark", "hallmark_descriptor", "user_session",  # nor anyone's sign-ins
          "page_version"}
TARGETS = {"cohorts": 1_000, "users": 20_000, "posts": 1_000_000, "responses": 200_000,
           "items": 100_000, "deliveries": 500_000}


def metadata():
    """Every table of the app (the models imported through the app factory)."""
    from cohort import create_app
    from cohort.extensions import db
    from config import TestingConfig

    create_app(TestingConfig())
    return db.metadata


class Copier:
    """Copies rows of some tables within the database, `copies` times over."""

    def __init__(self, conn, tables: list[Table], *, where: dict | None = None,
                 values: dict | None = None, special: dict | None = None, mark: str = ""):
        self.conn, self.tables, self.mark = conn, tables, mark  # mark: tells passes apart
        self.names = {t.name for t in tables}
        self.where = where or {}
        self.values = values or {}  # (table, column) -> SQL for the copy's value
        self.special = special or {}  # (table, column) -> f(k, offsets) -> SQL
        self.q = conn.dialect.identifier_preparer.quote
        self.offsets = {t.name: self._scalar(f"SELECT coalesce(max(id), 0) + 1 FROM {self.q(t.name)}")
                        for t in tables if "id" in t.c and t.c.id.primary_key}

    def _scalar(self, sql: str) -> int:
        return self.conn.execute(text(sql)).scalar_one()

    def _target(self, column) -> str | None:
        for fk in column.foreign_keys:
            name = fk.column.table.name
            if name in self.names and name in self.offsets:
                return name
        return None

    def _remapped(self, table: Table, column) -> bool:
        key = (table.name, column.name)
        return (key in self.values or key in self.special or self._target(column) is not None
                or (column.name == "id" and table.name in self.offsets))

    def _fixed_text(self, table: Table) -> set[str]:
        """Text columns to number in a copy: one of each unique constraint (or full unique
        index) none of whose columns a copy changes otherwise."""
        groups = [list(c.columns) for c in table.constraints
                  if c.__class__.__name__ == "UniqueConstraint"]
        groups += [list(i.columns) for i in table.indexes if i.unique
                   and i.dialect_options["sqlite"].get("where") is None
                   and i.dialect_options["postgresql"].get("where") is None]
        groups += [[c] for c in table.columns if c.unique]
        fixed = set()
        for columns in groups:
            if any(self._remapped(table, c) for c in columns):
                continue
            texts = [c for c in columns if isinstance(c.type, String)]
            if not texts:
                raise SystemExit(f"cannot copy {table.name}: a unique key with no text")
            fixed.add(texts[0].name)
        return fixed

    def _expression(self, table: Table, column, k: int, fixed: set[str]) -> str:
        key, name = (table.name, column.name), self.q(column.name)
        if key in self.values:
            return self.values[key]
        if key in self.special:
            return self.special[key](k, self.offsets)
        if column.name == "id" and table.name in self.offsets:
            return f"{name} + {k * self.offsets[table.name]}"
        target = self._target(column)
        if target:
            return f"{name} + {k * self.offsets[target]}"
        if column.name in fixed:
            if column.name == "email":
                return f"replace({name}, '@', '.{self.mark}{k}@')"
            length = column.type.length or 64
            return f"substr({name}, 1, {length - 10}) || '~{self.mark or '-'}{k:08d}'"
        return name

    def _originals(self, table: Table) -> str:
        """Only the rows there were before copying started."""
        if table.name in self.offsets:
            return f"id < {self.offsets[table.name]}"
        for column in table.columns:
            target = self._target(column)
            if target and column.primary_key:
                return f"{self.q(column.name)} < {self.offsets[target]}"
        raise SystemExit(f"cannot tell {table.name}'s original rows from its copies")

    def copy(self, copies: range) -> None:
        fixed = {t.name: self._fixed_text(t) for t in self.tables}
        for k in copies:
            for table in self.tables:
                columns = [c for c in table.columns if not c.computed]
                names = ", ".join(self.q(c.name) for c in columns)
                exprs = ", ".join(self._expression(table, c, k, fixed[table.name])
                                  for c in columns)
                condition = self._originals(table)
                if table.name in self.where:
                    condition += f" AND ({self.where[table.name]})"
                self.conn.execute(text(f"INSERT INTO {self.q(table.name)} ({names}) "
                                       f"SELECT {exprs} FROM {self.q(table.name)} "
                                       f"WHERE {condition}"))


def count(conn, table: str) -> int:
    return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def grow(url: str, scale: float = 1.0, say=print) -> dict[str, int]:
    meta = metadata()
    tables = {t.name: t for t in meta.sorted_tables}
    engine = create_engine(driver_url(url))
    started = time.perf_counter()

    def step(label: str, work) -> None:
        begun = time.perf_counter()
        with engine.begin() as conn:
            work(conn)
        say(f"{label}: {time.perf_counter() - begun:.1f} s")

    with engine.connect() as conn:
        if count(conn, "cohort") == 0:
            raise SystemExit("no demo here: run `flask db upgrade` and `flask cohort demo` first")
        demo_cohorts = count(conn, "cohort")

    def pick(*names: str) -> list[Table]:
        return [tables[name] for name in tables if name in names]

    def users_and_cohorts(conn) -> None:
        copied = [t for name, t in tables.items() if name not in SHARED]
        clones = max(1, round(TARGETS["cohorts"] * scale / demo_cohorts) - 1)
        Copier(conn, copied, special={
            ("board_search", "ref_id"): lambda k, off: (
                f"ref_id + CASE kind WHEN 'post' THEN {k * off['board_post']} "
                f"WHEN 'thread' THEN {k * off['board_thread']} "
                f"ELSE {k * off['board_resource']} END"),
            ("cohort", "title"): lambda k, off: f"substr(title, 1, 180) || ' ({k})'",
        }).copy(range(1, clones + 1))

    def finish(conn) -> None:
        """PostgreSQL's sequences moved past the copies' ids; fresh statistics for the planner."""
        if conn.dialect.name == "postgresql":
            for name, table in tables.items():
                if "id" in table.c and isinstance(table.c.id.type, Integer) \
                        and table.c.id.autoincrement in (True, "auto"):
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM \"{name}\"))"))
        conn.execute(text("ANALYZE"))
        # Every table gets a new number for the page cache (cohort/core/pagecache.py): these
        # rows were written past the app's engine, so no page kept before is sent again.
        conn.execute(text("INSERT INTO page_version (name, n) VALUES (:name, :n) "
                          "ON CONFLICT (name) DO UPDATE SET n = excluded.n"),
                     [{"name": name, "n": secrets.randbits(62)}
                      for name in sorted(tables) if name != "page_version"])

    def evaluator_pools(conn) -> None:
        """The demo's evaluator evaluates 19 copies of the finished cohort too."""
        finish(conn)  # a membership's id comes from its sequence
        conn.execute(text(
            "INSERT INTO membership (cohort_id, user_id, role, status, approved, version, "
            "suggest_me, created_at, joined_at) "
            "SELECT c.id, e.user_id, 'evaluator', 'active', true, 1, false, e.created_at, "
            "e.joined_at FROM cohort c JOIN cohort o ON o.status = 'finished' "
            "AND c.slug LIKE substr(o.slug, 1, 70) || '~-%' "
            "JOIN membership e ON e.cohort_id = o.id AND e.role = 'evaluator' "
            "WHERE c.id IN (SELECT id FROM cohort WHERE status = 'finished' ORDER BY id "
            "LIMIT 20)"))

    def colleagues(conn) -> None:
        """A colleague brought along by each participant, until the people reach the target."""
        people = count(conn, "user")
        participants = conn.execute(text(
            "SELECT count(*) FROM membership WHERE role = 'participant' "
            "AND status = 'active'")).scalar_one()
        wanted = max(0.0, (TARGETS["users"] * scale - people) / max(participants, 1))
        times = math.ceil(wanted)
        # The share of participants who bring one, in hundredths, by their id.
        some = f"% 100 < {round(100 * wanted / times) if times else 0}"
        chosen = ("id IN (SELECT user_id FROM membership WHERE role = 'participant' "
                  f"AND status = 'active') AND id {some}")
        Copier(conn, pick("user", "membership"),
               where={"user": chosen, "membership": "role = 'participant' AND status = 'active' "
                                                    f"AND user_id {some}"},
               values={("membership", "role"): "'colleague'",
                       ("membership", "suggest_me"): "suggest_me"}, mark="c").copy(range(1, times + 1))

    def repeat(total_key: str, table: str, names: tuple[str, ...], after=None, **options):
        """A step that repeats the rows of `names` until `table` reaches its target, then
        calls after(conn, times) to bring what counts them up to date."""
        def work(conn) -> None:
            have = count(conn, table)
            times = max(0, math.ceil(TARGETS[total_key] * scale / max(have, 1)) - 1)
            Copier(conn, pick(*names), mark=total_key[0], **options).copy(range(1, times + 1))
            if after is not None:
                after(conn, times)

        return work

    def posts_after(conn, times: int) -> None:
        conn.execute(text(f"UPDATE board_thread SET post_count = post_count * {times + 1}"))

    def responses_after(conn, times: int) -> None:
        # Each response is copied with one mark on its respondent, so pairs copy as pairs.
        conn.execute(text(f"UPDATE survey_tally SET count = count * {times + 1}"))

    def deliveries_after(conn, times: int) -> None:
        conn.execute(text(
            "UPDATE reminder SET " + ", ".join(
                f"{c} = {c} * {times + 1}" for c in
                ("pending_count", "sent_count", "failed_count", "skipped_count"))))

    with engine.connect() as conn:
        top_number = conn.execute(text("SELECT coalesce(max(number), 0) + 1 FROM board_post")
                                  ).scalar_one()
        top_ref = conn.execute(text("SELECT coalesce(max(ref), 0) + 1 FROM reminder_delivery")
                               ).scalar_one()

    step("cohorts and their people, copied", users_and_cohorts)
    step("the demo's evaluator on 20 finished cohorts", evaluator_pools)
    step("colleagues", colleagues)
    step("board posts", repeat(
        "posts", "board_post", ("board_post", "board_search"),
        where={"board_search": "kind = 'post'"},
        special={("board_post", "number"): lambda k, off: f"number + {k * top_number}",
                 ("board_search", "ref_id"): lambda k, off: f"ref_id + {k * off['board_post']}"},
        after=posts_after))
    step("survey responses", repeat(
        "responses", "survey_response", ("survey_response", "survey_answer"),
        values={("survey_response", "membership_id"): "NULL"}, after=responses_after))
    step("action items", repeat(
        "items", "action_item",
        ("action_item", "action_item_hallmark", "action_item_update", "action_item_change")))
    step("reminder deliveries", repeat(
        "deliveries", "reminder_delivery", ("reminder_delivery",),
        special={("reminder_delivery", "ref"): lambda k, off: f"ref + {k * top_ref}"},
        after=deliveries_after))

    step("sequences and statistics", finish)

    with engine.connect() as conn:
        totals = {label: count(conn, table) for label, table in (
            ("cohorts", "cohort"), ("users", "user"), ("posts", "board_post"),
            ("responses", "survey_response"), ("items", "action_item"),
            ("deliveries", "reminder_delivery"), ("search entries", "board_search"),
            ("memberships", "membership"))}
    engine.dispose()
    say(f"built in {time.perf_counter() - started:.0f} s: " +
        ", ".join(f"{value:,} {label}" for label, value in totals.items()))
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    grow(args.database_url, args.scale)


if __name__ == "__main__":
    main()
