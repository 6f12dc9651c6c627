"""The WSGI entry point for production servers, from a checkout: `gunicorn wsgi:app`
(the same app as kcs_assess.wsgi, which an installed wheel provides)."""

from kcs_assess.wsgi import app

__all__ = ["app"]
