"""Part 1 of the robustness pass (see test_robustness.py)."""

from .test_robustness import LONG, hostile_pass


@LONG
def test_every_form_survives_hostile_values(app, world, clients, capsys):
    hostile_pass(app, world, clients, capsys, 1)
