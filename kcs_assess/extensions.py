"""Flask extensions, created unbound and attached to the app in the factory."""

from functools import cached_property

import flask_babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay usable after commit: a view that saved and then redirects reads nothing again.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
class _Catalogs(flask_babel.Domain):
    """Flask-Babel's translations for a request, from the one catalog loader of i18n.py, which
    the PDFs and the template helpers use too."""

    def get_translations(self):
        from .i18n import translations

        locale = flask_babel.get_locale()
        if locale is None:  # outside a request
            return super().get_translations()
        return translations(str(locale))


class Babel(flask_babel.Babel):
    @cached_property
    def domain_instance(self) -> flask_babel.Domain:
        return _Catalogs()


babel = Babel()
login_manager = LoginManager()
# HTML, CSS, JavaScript, JSON and SVG compressed for slow connections (the settings' default).
compress = Compress()
