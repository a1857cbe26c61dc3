"""Evaluation services: surveys given in a cohort and answered by its participants, and the
evaluator's figures (the analysis itself is in surveys/, which knows no Flask)."""

from cohort.evaluation.services.report import *  # noqa: F403
from cohort.evaluation.services.surveys import *  # noqa: F403
