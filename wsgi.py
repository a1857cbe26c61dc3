"""Entry point for WSGI servers: `gunicorn wsgi:app`. Never starts the scheduler."""

from cohort import create_app

app = create_app()
