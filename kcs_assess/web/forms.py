"""WTForms forms: validation and CSRF for the fixed-shape forms."""

from __future__ import annotations

import re

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..labels import ORGANISATION_TYPES
from ..services.assessments import LABEL_MAX_LENGTH

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN_LENGTH = 10


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email(form: FlaskForm, field: EmailField) -> None:
    if not EMAIL.match(field.data or ""):
        raise ValidationError(_l("Enter an email address like name@example.org."))


def country_choices() -> list[SelectChoice]:
    """Return (ISO code, name in the user's language) for every country, sorted by name."""
    names = Locale.parse(str(get_locale())).territories
    countries = [(code, name) for code, name in names.items()
                 if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN",
                                                                      "QO", "XA", "XB"}]
    countries.sort(key=lambda item: item[1].casefold())
    return [SelectChoice(code, name) for code, name in countries]


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254), _email])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=200,
               message=_l("Use at least %(num)d characters.", num=PASSWORD_MIN_LENGTH))])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", _l("The two passwords do not match."))])
    organisation_name = StringField(_l("Organisation name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your organisation's name.")), Length(max=200)])
    organisation_type = RadioField(
        _l("Type of organisation"),
        choices=[SelectChoice(key, _l(msgid)) for key, msgid in ORGANISATION_TYPES.items()],
        validators=[DataRequired(_l("Choose the type of organisation."))],
    )
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose a country."))])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", _l("Choose a country")), *country_choices()]


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password."))])


class StartAssessmentForm(FlaskForm):
    label = StringField(_l("Name this assessment"), filters=[_strip], validators=[
        DataRequired(_l("Give the assessment a name, such as “Annual review 2026”.")),
        Length(max=LABEL_MAX_LENGTH)])
    questionnaire = RadioField(_l("Questionnaire"), validators=[
        DataRequired(_l("Choose a questionnaire."))])


class SubmitAssessmentForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked the answers. I understand that submitting locks them: they cannot "
           "be changed afterwards."),
        validators=[DataRequired(_l("Confirm that you have checked the answers and that they "
                                    "will be locked."))])
