"""The evaluation module's pages: giving surveys and answering them (surveys.py), and the
evaluator's report with its exports (report.py)."""

from flask import Blueprint

bp = Blueprint("evaluation", __name__)

from cohort.evaluation.views import report, surveys  # noqa: E402, F401  (their routes)
