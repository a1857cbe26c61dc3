"""Evaluation: pre/post surveys in a cohort, their answers, and the evaluator's report."""
