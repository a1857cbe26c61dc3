# pytest imports this folder as the package `surveys` (tests/ is on sys.path, having no
# __init__.py), which hides the library of that name. Its modules are looked for in the
# library beside these tests too, so `surveys.instrument` is this checkout's, not that of
# whichever checkout is installed.
from pathlib import Path

__path__.append(str(Path(__file__).resolve().parents[2] / "surveys"))
