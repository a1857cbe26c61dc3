import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from cohort.core import pagecache

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Write Cohort's UTCDateTime as a plain timezone-aware DateTime in migration files."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault("render_item", render_item)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one; with foreign keys
            # on, that drop would delete (ON DELETE CASCADE) every row that points at it. The
            # pragma only works outside a transaction: set it on the driver's connection.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        # With the app serving, a change that waits for a table's lock makes every request
        # for that table wait behind it: on PostgreSQL give up after a while instead (the
        # transaction rolls back; run the upgrade again). The timeout is the transaction's own
        # (SET LOCAL, never left on a pooled connection), so it is set again after each
        # migration: one that builds an index CONCURRENTLY commits the transaction it ran in,
        # and the migrations after it run in a new one.
        lock_timeout = None
        if connection.dialect.name == "postgresql":
            seconds = int(current_app.config["MIGRATION_LOCK_TIMEOUT_SECONDS"])
            lock_timeout = f"SET LOCAL lock_timeout = '{seconds}s'"

        def keep_lock_timeout(*, ctx, **_kwargs):
            if lock_timeout is not None:
                ctx.connection.exec_driver_sql(lock_timeout)

        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            on_version_apply=keep_lock_timeout,
            **conf_args
        )

        with pagecache.migrating(connectable), context.begin_transaction():
            if lock_timeout is not None:
                connection.exec_driver_sql(lock_timeout)
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:10]}")
        if sqlite:
            # Never hand this connection, foreign keys off, back to the pool: a new one gets
            # the app's pragmas when it connects.
            connection.invalidate()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
