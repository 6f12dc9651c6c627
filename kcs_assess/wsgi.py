"""The WSGI entry point for production servers: `gunicorn -c gunicorn.conf.py kcs_assess.wsgi:app`
(in the package, so that an installed wheel has it too; the repository's wsgi.py is the same)."""

import gc
import os

from . import create_app

app = create_app({"ENV": os.environ.get("KCS_ENV", "production")})
# Start-up objects (questionnaires, templates) live for the whole process: keep them out of
# the garbage collector's full passes, which otherwise pause a request now and then.
gc.freeze()
