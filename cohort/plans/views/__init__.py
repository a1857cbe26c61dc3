"""The plans module's pages: a place's action plan and its items (plan.py), self-assessment
and agreement (assessment.py), the cohort's maturity heatmap, rounds and framework
(maturity.py)."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from cohort.plans.views import assessment, maturity, plan  # noqa: E402, F401  (their routes)
