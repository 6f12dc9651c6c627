"""Rate limits on the forms worth guessing at, in one table; the figures come from the config.

Each app gets a limiter of its own (Flask-Limiter keeps its storage on the limiter object),
in memory by default or shared by every worker and host through RATELIMIT_STORAGE_URI
(e.g. redis://127.0.0.1:6379/0). A client over the limit gets the translated 429 page and a
Retry-After header. Behind a proxy, set TRUSTED_PROXIES so the client's own address counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..services.accounts import normalise_email


def by_address() -> str:
    return get_remote_address()


def by_email() -> str:
    """Count per account: the address typed in the form, however it is capitalised."""
    return "email:" + normalise_email(request.form.get("email", ""))


def by_user() -> str:
    return f"user:{current_user.get_id()}"


def failed(response) -> bool:
    """Count only attempts that did not succeed (a success redirects)."""
    return response.status_code != 302


def not_found(response) -> bool:
    """Count only requests for something that does not exist (a guessed workshop code)."""
    return response.status_code == 404


@dataclass(frozen=True)
class Rule:
    setting: str  # the configuration key holding the limit, e.g. "10 per hour"
    key: Callable[[], str] = by_address
    only_failures: bool = False
    methods: tuple[str, ...] = ("POST",)
    counted: Callable[[Any], bool] | None = None  # which responses count (default: all)
    shared: str | None = None  # a name: the routes of the rules with it share one count


RULES: dict[str, tuple[Rule, ...]] = {
    "auth.sign_in": (Rule("RATE_LIMIT_SIGN_IN_ADDRESS", only_failures=True),
                     Rule("RATE_LIMIT_SIGN_IN_ACCOUNT", by_email, only_failures=True)),
    "auth.register": (Rule("RATE_LIMIT_REGISTER"),),
    "auth.confirm_registration": (Rule("RATE_LIMIT_TOKEN"),),
    "auth.forgot_password": (Rule("RATE_LIMIT_RESET_ADDRESS"),
                             Rule("RATE_LIMIT_RESET_ACCOUNT", by_email)),
    "auth.reset_password": (Rule("RATE_LIMIT_TOKEN"),),
    "teams.accept": (Rule("RATE_LIMIT_TOKEN"),),
    "account.change_email": (Rule("RATE_LIMIT_PASSWORD_CHECK", by_user),),
    "account.change_password": (Rule("RATE_LIMIT_PASSWORD_CHECK", by_user),),
    # Workshop codes: typed, in a link, or in the address of a participant's page.
    "workshops.join": (Rule("RATE_LIMIT_WORKSHOP_JOIN", only_failures=True,
                            shared="workshop-code"),),
    "workshops.join_code": (Rule("RATE_LIMIT_WORKSHOP_JOIN", only_failures=True,
                                 methods=("GET",), shared="workshop-code"),),
    **{endpoint: (Rule("RATE_LIMIT_WORKSHOP_JOIN", methods=("GET", "POST"),
                       counted=not_found, shared="workshop-code"),)
       for endpoint in ("workshops.start", "workshops.step", "workshops.done")},
}


def init_app(app: Flask) -> None:
    """Give the app its limiter and apply the table's limits to POSTs of its routes."""
    limiter = Limiter(key_func=by_address, app=app)
    for endpoint, rules in RULES.items():
        view = app.view_functions[endpoint]
        for rule in rules:
            counted = rule.counted or (failed if rule.only_failures else None)
            options = {"key_func": rule.key, "methods": list(rule.methods),
                       "deduct_when": counted}
            if rule.shared:
                view = limiter.shared_limit(_configured(rule.setting), scope=rule.shared,
                                            **options)(view)
            else:
                view = limiter.limit(_configured(rule.setting), **options)(view)
        app.view_functions[endpoint] = view
    # There are no default limits: a request to a route without a rule is exempt, which spares
    # every other page the limiter's look-up of its limits.
    limited = frozenset(RULES)
    limiter.request_filter(lambda: request.endpoint not in limited)
    app.extensions["kcs_limiter"] = limiter


def _configured(setting: str) -> Callable[[], str]:
    return lambda: current_app.config[setting]
