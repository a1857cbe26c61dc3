"""Plans services: frameworks (shipped and imported) and the cohort's choice, self-assessment
rounds with individual and agreed ratings, each place's action plan, the cohort's heatmap,
CSV exports, and the items' due dates offered to reminders."""

from cohort.plans.services import moments  # noqa: F401  (registers the due-date moment)
from cohort.plans.services.assessments import *  # noqa: F403
from cohort.plans.services.errors import PlanError  # noqa: F401
from cohort.plans.services.export import *  # noqa: F403
from cohort.plans.services.framework_file import (  # noqa: F401
    FrameworkFileError,
    parse,
)
from cohort.plans.services.frameworks import *  # noqa: F403
from cohort.plans.services.items import *  # noqa: F403
from cohort.plans.services.overview import *  # noqa: F403
from cohort.plans.services.people import *  # noqa: F403
