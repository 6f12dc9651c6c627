"""gunicorn's settings for kcs-assess: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each setting can be changed without editing this file: by the environment variables read
below, or on the command line / in GUNICORN_CMD_ARGS (which win over this file).
"""

import os

# Where the reverse proxy reaches the app. Keep it on the loopback address (or a socket) so
# that nothing but the proxy can talk to it.
bind = os.environ.get("KCS_BIND", "127.0.0.1:8000")

# Sync workers: a request holds a worker until its page is sent, so there must be enough of
# them for the slowest clients at once; 2-4 per CPU suits this app (pages take a few ms of
# CPU, PDFs up to a second). Rate limits must then be counted in Redis, shared by all.
workers = int(os.environ.get("KCS_WORKERS", 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = 60  # a 200-question PDF in Arabic is the slowest request, well under this
graceful_timeout = 30

# The app is loaded once, before the workers fork: questionnaires, catalogs and templates are
# read once and shared, and a broken questionnaire or setting stops the start-up at once
# rather than each worker failing in turn.
preload_app = True

# Recycle each worker now and then, so that any slow growth of memory never builds up.
max_requests = 5000
max_requests_jitter = 500

# The app writes one JSON line per request (with its request id) and its errors to standard
# error; gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("KCS_GUNICORN_LOGLEVEL", "info")

# The proxy's X-Forwarded-* headers are handled by the app (KCS_TRUSTED_PROXIES).
forwarded_allow_ips = "127.0.0.1,::1"


def post_fork(server, worker):
    """Each worker opens its own database connections: none made before the fork is shared."""
    from kcs_assess.extensions import db

    app = server.app.wsgi()
    if getattr(app, "extensions", {}).get("sqlalchemy") is not db:
        return  # another app served with this file (gunicorn reads ./gunicorn.conf.py itself)
    with app.app_context():
        db.engine.dispose(close=False)
