"""Every script in bench/ loads: a name it imports from the app that has moved or gone fails
here, not the day someone runs the benchmark. Loading runs no benchmark (each script's work is
under `if __name__ == "__main__"`)."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCRIPTS = sorted(path for path in BENCH.glob("*.py"))


def test_the_bench_folder_holds_its_scripts():
    assert {"floor.py", "scale.py", "generate.py", "framework_file.py"} <= {
        path.name for path in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=[path.stem for path in SCRIPTS])
def test_a_bench_script_loads(script, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    if script.name != "fresh.py":
        assert callable(getattr(module, "main", None)), f"{script.name} has no main()"


def test_a_p99_measured_while_the_minute_turned_is_marked(monkeypatch):
    """A kept page is made afresh once a worker when the minute turns: the table says which
    p99s hold that, so a slow one is not read as the page's usual cost."""
    monkeypatch.syspath_prepend(str(BENCH))
    import floor

    rows = [{"label": label, "rps": 100.0, "p50": 10.0, "p99": p99, "queries": 2, "notes": [],
             "turned": turned}
            for label, p99, turned in (("board", 14.0, False), ("thread", 31.0, True))]
    table = floor.table(rows, 500.0)
    board, thread = (next(line for line in table if line.startswith(f"| {label}"))
                     for label in ("board", "thread"))
    assert "31.00 *" in thread and "*" not in board
    assert floor.TURNED_NOTE.startswith("* The minute")


def test_rounds_give_each_figure_as_the_median_of_its_rounds(monkeypatch):
    """bench/scale.py --rounds 3: a round in which something else slowed a page moves no
    figure, and each ratio is taken within its round."""
    monkeypatch.syspath_prepend(str(BENCH))
    import scale

    def timed(rps, p99, turned=False):
        return {"rps": rps, "p50": 10.0, "p99": p99, "notes": [], "turned": turned}

    rounds = [[{"title": "board", "floor": floor, "demo": timed(demo, 14.0),
                "large": timed(large, p99, turned)}]
              for floor, demo, large, p99, turned in ((5000, 1000, 980, 15.0, False),
                                                      (5000, 1000, 400, 60.0, True),
                                                      (4000, 800, 800, 14.0, False))]
    [row] = scale.combined(rounds)
    assert row["ratio"] == 0.98 and row["p99x"] == 15.0 / 14.0
    assert row["large"]["rps"] == 800 and row["large"]["p99"] == 15.0
    assert row["demo"]["share"] == 0.2 and not row["large"]["turned"]
