"""gunicorn settings for a Cohort web host (deploy/cohort-web.service runs
`gunicorn -c deploy/gunicorn.conf.py wsgi:app`). The web workers never start the scheduler."""

import os

# The address the proxy reaches this host on: 127.0.0.1 when nginx runs on the same machine,
# the host's private address when it runs on another (let only the proxy reach that port).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: two a core and one more is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
# A request that takes longer than this is stopped and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Requests and errors go to standard output and error: journald keeps them.
accesslog = "-"
errorlog = "-"
loglevel = "info"
