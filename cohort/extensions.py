"""Unbound extension singletons, bound to an app in create_app."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Alembic needs stable constraint names to alter tables (and SQLite batch mode needs them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Search structures each database builds its own way (an FTS5 table on SQLite; a stored text
# vector column and its GIN index on PostgreSQL), made by hand in the migrations: Alembic's
# comparison leaves them alone.
SEARCH_OBJECTS = ("board_search_fts", "ix_board_search_text", "ix_board_search_vector",
                  "search_vector")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name or "").startswith(SEARCH_OBJECTS)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, include_object=include_object)
login_manager = LoginManager()
csrf = CSRFProtect()
