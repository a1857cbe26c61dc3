"""Board services: threads and posts, feedback requests with their drafts and questions,
moderation, notifications through core's outbox, search, the resource library, and each
session's thread."""

from cohort.board.services.activity import (
    busiest_threads,
    feedback_given,
    requests_and_givers,
    threads_started,
)
from cohort.board.services.errors import BoardError
from cohort.board.services.feedback import (
    Answered,
    add_version,
    answer,
    answers_of,
    feedback_givers,
    get_version,
    own_answers,
    reopen,
    resolve,
    versions_of,
)
from cohort.board.services.members import (
    acknowledge,
    board_member,
    board_people,
    handles,
    note_visit,
    notify_settings,
    previous_visit,
    set_notify,
)
from cohort.board.services.moderation import (
    hide_post,
    move_thread,
    set_locked,
    set_pinned,
    show_post,
)
from cohort.board.services.notify import digests_due, send_digests
from cohort.board.services.resources import (
    ResourceData,
    add_resource,
    approve_resource,
    get_resource,
    hallmark_tags,
    remove_resource,
    resources_of,
    topics_of,
)
from cohort.board.services.search import Found, search, search_page
from cohort.board.services.session_threads import (
    ensure_session_threads,
    item_of,
    own_item,
    session_thread,
)
from cohort.board.services.text import handle_for, quote
from cohort.board.services.threads import (
    POSTS_A_PAGE,
    THREADS_A_PAGE,
    FileIn,
    NewThread,
    create_thread,
    delete_post,
    edit_post,
    ensure_editable,
    follow,
    get_post,
    is_following,
    local_today,
    mark_read,
    posts_page,
    reply,
    revisions_of,
    store_file,
    threads_page,
    unfollow,
)

__all__ = [
    "POSTS_A_PAGE", "THREADS_A_PAGE", "Answered", "BoardError", "FileIn", "Found", "NewThread",
    "ResourceData", "acknowledge", "add_resource", "add_version", "answer", "answers_of",
    "approve_resource", "board_member", "notify_settings", "board_people", "busiest_threads", "create_thread",
    "delete_post", "digests_due", "edit_post", "ensure_editable", "ensure_session_threads", "feedback_given",
    "feedback_givers",
    "follow", "get_post",
    "get_resource", "get_version", "hallmark_tags", "handle_for", "handles",
    "hide_post", "is_following", "item_of", "local_today", "mark_read", "move_thread",
    "note_visit", "own_answers", "own_item", "posts_page", "previous_visit", "quote",
    "remove_resource", "reopen", "reply", "requests_and_givers", "resolve", "resources_of", "revisions_of", "search", "search_page",
    "send_digests", "session_thread", "set_locked", "set_notify", "set_pinned", "show_post",
    "store_file", "threads_page", "threads_started", "topics_of", "unfollow", "versions_of",
]
