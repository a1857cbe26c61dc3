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
