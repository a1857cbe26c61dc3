"""Plans services: frameworks (shipped and imported) and the cohort's choice, self-assessment
rounds with individual and agreed ratings, each place's action plan, the cohort's heatmap,
CSV exports, and the items' due dates offered to reminders (declared in plans/moments.py)."""

from cohort.plans.services.assessments import (
    NOT_YET,
    ROUND_NAMES,
    agree,
    agreed_stamp,
    assessment_of,
    close_round,
    current_round,
    get_round,
    latest_agreed,
    open_round,
    people_on,
    place_rounds,
    round_progress,
    rounds_of,
    save_assessment,
    team_view,
)
from cohort.plans.services.errors import PlanError
from cohort.plans.services.export import export_plan, place_csv
from cohort.plans.services.framework_file import FrameworkFileError, parse
from cohort.plans.services.frameworks import (
    DEFAULT_FRAMEWORK,
    SHIPPED,
    choose_framework,
    cohort_framework,
    ensure_shipped,
    framework_file,
    frameworks,
    import_file,
    import_spec,
    install,
    versions_of,
    with_descriptors,
)
from cohort.plans.services.items import (
    PLAN_PAGE_SIZE,
    ItemData,
    add_item,
    add_progress,
    get_item,
    history_of,
    items_of,
    items_page,
    local_today,
    overdue_after,
    plan_of,
    update_item,
)
from cohort.plans.services.outline import (
    Latest,
    Standing,
    hallmark_words,
    is_shared,
    item_hallmarks,
    latest_of,
    set_shared,
    shared_places,
    standings,
)
from cohort.plans.services.overview import (
    ATTENTION_SHOWN,
    agreed_levels,
    agreed_levels_of,
    attention_page,
    heatmap,
    place_label,
    place_labels,
)
from cohort.plans.services.people import Naming, naming

__all__ = [
    "agreed_stamp",
    "ATTENTION_SHOWN", "DEFAULT_FRAMEWORK", "NOT_YET", "PLAN_PAGE_SIZE",
    "ROUND_NAMES", "SHIPPED", "FrameworkFileError", "ItemData", "Latest", "Naming", "PlanError",
    "Standing", "hallmark_words", "is_shared", "item_hallmarks", "latest_of", "set_shared",
    "shared_places", "standings",
    "add_item", "add_progress", "agree", "agreed_levels",
    "agreed_levels_of", "assessment_of", "attention_page",
    "choose_framework", "close_round", "cohort_framework", "current_round", "ensure_shipped",
    "framework_file", "frameworks", "get_item", "get_round", "heatmap", "history_of",
    "import_file", "import_spec", "install", "items_of", "items_page", "latest_agreed",
    "local_today", "naming", "open_round", "overdue_after", "parse", "people_on", "place_csv",
    "place_label", "place_labels", "place_rounds", "plan_of", "round_progress", "rounds_of", "export_plan",
    "save_assessment", "team_view", "update_item", "versions_of", "with_descriptors",
]
