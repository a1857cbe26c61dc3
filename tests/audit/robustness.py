"""The robustness pass (DESIGN.md section 8): every form a page shows, posted by the actor who
sees it, with each field in turn set to a hostile value. No answer may be a 5xx, and a refused
form may leave nothing half-written. New forms are covered without being listed: the pass reads
them off the pages the route audit reaches, once per form shape."""

import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from sqlalchemy import func, select

from cohort.extensions import db

from . import checks

HOSTILE = {
    "10,000 characters": "x" * 10_000,
    "a NUL byte": "a\x00b",
    "CR/LF": "a\r\nBcc: someone@example.org",
    "a Unicode digit": "²",
    "a 25-digit number": "1" * 25,
    "empty": "",
}
# WTForms' own messages, which name no field ("Field cannot be longer than 1000 characters."):
# every refusal says which field and what to do instead.
UNNAMED = re.compile(r"Field (cannot|must)|This field is required|Not a valid|Invalid input")
# Bookkeeping a refused form may still write: a failed sign-in is counted, a reset request too.
BOOKKEEPING = checks.SNAPSHOT_IGNORED_TABLES | {"reset_request", "known_address", "user_session"}


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> a value the page offers

    def shape(self, endpoint: str) -> tuple:
        return endpoint, tuple(sorted(self.fields))


class _Forms(HTMLParser):
    """The POST forms of a page, with a value for each field as a browser would send it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        selecting = self._form is not None and self._select is not None
        if tag == "option" and selecting and self._form.fields.get(self._select) is None:
            self._option = self._select  # the first option is the one a browser sends
            self._form.fields[self._select] = attrs.get("value")
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = Form(action=attrs.get("action") or "")
            self.forms.append(self._form)
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox",) and "checked" not in attrs:
                return
            if kind == "radio" and name in self._form.fields and "checked" not in attrs:
                return
            self._form.fields[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self._form.fields[name] = ""
        elif tag == "select":
            self._select = name
            self._form.fields[name] = None
        elif tag == "button" and attrs.get("value") is not None:
            self._form.fields.setdefault(name, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None
        if tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._option is not None and self._form is not None:
            if self._form.fields.get(self._option) is None:
                self._form.fields[self._option] = data.strip()
            self._option = None


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in db.metadata.sorted_tables if table.name not in BOOKKEEPING}


SHARDS = 3  # the pass is split by endpoint over this many tests, which run side by side


def in_shard(endpoint: str, shard: int | None) -> bool:
    """Whether the endpoint's forms belong to that part of the pass (all, for None)."""
    return shard is None or zlib.crc32(endpoint.encode()) % SHARDS == shard


def robustness_problems(app: Flask, world, clients: dict, only: set[str] | None = None,
                        shard: int | None = None) -> tuple[list[str], int]:
    """Post every form shape (of the `only` endpoints, when given; of one shard's endpoints,
    when given) with each hostile value in each field; return (problems, posts)."""
    problems, seen, posts = [], set(), 0
    with app.app_context():
        for actor, _endpoint, path in checks.reachable(app, world):
            client = clients[actor]
            page = checks.send(app, client, "GET", path)
            if page.status_code != 200 or page.mimetype != "text/html":
                continue
            for form in forms_of(page.get_data(as_text=True)):
                target = urlsplit(urljoin(path, form.action or path))
                target_path = target.path + (f"?{target.query}" if target.query else "")
                adapter = app.url_map.bind("localhost")
                try:
                    endpoint = adapter.match(target.path, method="POST")[0]
                except Exception:  # noqa: BLE001  (a form posting to a route that has moved)
                    problems.append(f"{actor}: a form on {path} posts to {target_path}, which "
                                    "takes no POST")
                    continue
                shape = form.shape(endpoint)
                if shape in seen or (only is not None and endpoint not in only) or \
                        not in_shard(endpoint, shard):
                    continue
                seen.add(shape)
                for name in [n for n in form.fields if n != "csrf_token"]:
                    for what, value in HOSTILE.items():
                        before = row_counts()
                        response = checks.send(app, client, "POST", target_path,
                                                data={**form.fields, name: value})
                        posts += 1
                        where = f"{endpoint} as {actor}: {name} = {what}"
                        if response.status_code >= 500:
                            problems.append(f"{where} answered {response.status_code}")
                        elif response.status_code not in checks.REDIRECTS and row_counts() != before:
                            problems.append(f"{where} was refused but changed the database")
                        elif unnamed := UNNAMED.search(response.get_data(as_text=True)):
                            problems.append(f"{where} was told “{unnamed.group(0)}…”, which "
                                            "names no field and says not what to do")
    return problems, posts
