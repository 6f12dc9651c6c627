"""The WSGI entry point for production servers: `gunicorn wsgi:app`."""

import os

from kcs_assess import create_app

app = create_app({"ENV": os.environ.get("KCS_ENV", "production")})
