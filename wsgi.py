"""The WSGI entry point for production servers: `gunicorn wsgi:app`."""

import gc
import os

from kcs_assess import create_app

app = create_app({"ENV": os.environ.get("KCS_ENV", "production")})
# Start-up objects (questionnaires, templates) live for the whole process: keep them out of
# the garbage collector's full passes, which otherwise pause a request now and then.
gc.freeze()
