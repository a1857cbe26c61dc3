"""Sessions of a cohort's programme and their learning objectives."""
