"""WTForms forms: validation and CSRF for the fixed-shape forms."""

from __future__ import annotations

import re

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from ..i18n import LANGUAGES
from ..labels import ACTION_STATUSES, GRANT_SCOPES, ORGANISATION_TYPES, ROLES
from ..services import passwords, workshops
from ..services.assessments import LABEL_MAX_LENGTH, REASON_MAX_LENGTH

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_PROBLEMS = {
    "too_short": _l("Use at least %(num)d characters.", num=passwords.MIN_LENGTH),
    "too_long": _l("Use at most %(num)d characters.", num=passwords.MAX_LENGTH),
    "common": _l("This password is one of the most common ones, so it is easy to guess. "
                 "Choose another: a few unrelated words make a good one."),
    "personal": _l("Do not use your name or email address as your password."),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _email(form: FlaskForm, field: EmailField) -> None:
    if not EMAIL.match(field.data or ""):
        raise ValidationError(_l("Enter an email address like name@example.org."))


def _new_password(form: FlaskForm, field: PasswordField) -> None:
    """Apply the password rules; the form may name the account's email and name to avoid."""
    email, name = getattr(form, "personal", ("", ""))
    if "email" in form:
        email = form.email.data or email
    if "name" in form:
        name = form.name.data or name
    reason = passwords.problem(field.data or "", email=email or "", name=name or "")
    if reason:
        raise ValidationError(PASSWORD_PROBLEMS[reason])


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField(_l("New password"), validators=[
            DataRequired(_l("Choose a password.")), _new_password]),
        PasswordField(_l("New password again"), validators=[
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords do not match."))]),
    )


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(key, _l(msgid)) for key, msgid in ROLES.items()]


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in LANGUAGES.items()]


def country_choices() -> list[SelectChoice]:
    """Return (ISO code, name in the user's language) for every country, sorted by name."""
    names = Locale.parse(str(get_locale())).territories
    countries = [(code, name) for code, name in names.items()
                 if len(code) == 2 and code.isalpha() and code not in {"ZZ", "EU", "EZ", "UN",
                                                                      "QO", "XA", "XB"}]
    countries.sort(key=lambda item: item[1].casefold())
    return [SelectChoice(code, name) for code, name in countries]


class OrganisationForm(FlaskForm):
    """An organisation's details: registering one, creating another, or editing them."""

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


class RegisterForm(OrganisationForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254), _email])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")), _new_password])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", _l("The two passwords do not match."))])


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password."))])


class StartAssessmentForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
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


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254), _email])


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])
    password, confirm = new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("New email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter your email address.")), Length(max=254), _email])
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])


class NameForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=language_choices)


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter an email address.")), Length(max=254), _email])
    role = RadioField(_l("Role"), choices=role_choices, default="editor",
                      validators=[DataRequired(_l("Choose a role."))])
    locale = SelectField(_l("Language of the invitation"), choices=language_choices)


class LogoForm(FlaskForm):
    logo = FileField(_l("Logo file"), validators=[FileRequired(_l("Choose a PNG or JPEG file."))])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices)


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[_strip], validators=[
        DataRequired(_l("Enter your name.")), Length(max=120)])
    password, confirm = new_password_fields()


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why is it reopened?"), filters=[_strip], validators=[
        DataRequired(_l("Say why the assessment is reopened: the log keeps it.")),
        Length(max=REASON_MAX_LENGTH)])


class DeleteAssessmentForm(FlaskForm):
    label = StringField(_l("Type the assessment's name to confirm"), filters=[_strip],
                        validators=[DataRequired(_l("Type the assessment's name."))])


class SwitchOrganisationForm(FlaskForm):
    organisation = IntegerField(validators=[InputRequired()])


class NextRoundForm(FlaskForm):
    label = StringField(_l("Name the next round"), filters=[_strip], validators=[
        DataRequired(_l("Give the assessment a name, such as “Annual review 2026”.")),
        Length(max=LABEL_MAX_LENGTH)])


class ActionForm(FlaskForm):
    owner = SelectField(_l("Owner"), coerce=str)
    owner_name = StringField(_l("Or someone who is not a member"), filters=[_strip],
                             validators=[Length(max=120)])
    due = DateField(_l("Due"), validators=[InputRequired(_l("Give a due date."))])
    status = RadioField(_l("Status"), choices=[
        SelectChoice(key, _l(msgid)) for key, msgid in ACTION_STATUSES.items()],
        validators=[DataRequired(_l("Choose a status."))])
    reason = TextAreaField(_l("Why it will not be done"), filters=[_strip],
                           validators=[Length(max=500)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.status.data == "wont_do" and not field.data:
            raise ValidationError(_l("Say why it will not be done."))


class CommentForm(FlaskForm):
    text = TextAreaField(_l("Comment"), filters=[_strip], validators=[
        DataRequired(_l("Write a comment.")), Length(max=2000)])


class AdviserInviteForm(FlaskForm):
    # On the organisation's page beside the members' invitation form: its own field names.
    PREFIX = "adviser"

    email = EmailField(_l("The adviser's email address"), filters=[_strip], validators=[
        DataRequired(_l("Enter an email address.")), Length(max=254), _email])
    scope = RadioField(_l("What the adviser may read"), default="results", choices=[
        SelectChoice(key, _l(msgid)) for key, msgid in GRANT_SCOPES.items()],
        validators=[DataRequired(_l("Choose what the adviser may read."))])
    months = IntegerField(_l("For how many months"), default=12, validators=[
        InputRequired(_l("Give a number of months.")),
        NumberRange(min=1, max=24, message=_l("Between 1 and 24 months."))])
    locale = SelectField(_l("Language of the invitation"), choices=language_choices)


def lines(text: str | None) -> list[str]:
    """Return the non-empty lines of a text area, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title of the workshop"), filters=[_strip], validators=[
        DataRequired(_l("Give the workshop a title, such as “Safeguarding training, Bamako”.")),
        Length(max=workshops.TITLE_MAX_LENGTH)])
    questionnaire = RadioField(_l("Questionnaire"), validators=[
        DataRequired(_l("Choose a questionnaire."))])
    languages = SelectMultipleField(
        _l("Languages offered to participants"), choices=language_choices,
        default=lambda: list(LANGUAGES),
        validators=[DataRequired(_l("Offer at least one language."))])
    group_question = StringField(
        _l("A question that splits the room into groups (optional)"), filters=[_strip],
        validators=[Length(max=workshops.GROUP_QUESTION_MAX_LENGTH)])
    group_options = TextAreaField(_l("The groups, one per line"), filters=[_strip],
                                  validators=[Length(max=2000)])
    min_answers = IntegerField(
        _l("Answers needed before anything about a question is shown"), default=5,
        validators=[InputRequired(_l("Give a number of answers.")), NumberRange(
            min=3, max=workshops.MAX_MIN_ANSWERS,
            message=_l("Between %(min)d and %(max)d answers: below 3, a distribution tells "
                       "who answered what.", min=3, max=workshops.MAX_MIN_ANSWERS))])
    hours_open = IntegerField(
        _l("Open for how many hours"), default=workshops.DEFAULT_HOURS_OPEN,
        validators=[InputRequired(_l("Give a number of hours.")), NumberRange(
            min=1, max=workshops.MAX_HOURS_OPEN,
            message=_l("Between 1 and %(max)d hours.", max=workshops.MAX_HOURS_OPEN))])

    def validate_group_options(self, field: TextAreaField) -> None:
        options = lines(field.data)
        if not self.group_question.data:
            if options:
                raise ValidationError(_l("Give the question these groups answer, or leave "
                                         "the groups empty."))
            return
        if len(options) < 2:
            raise ValidationError(_l("Give at least two groups, one per line."))
        if len(options) > workshops.MAX_GROUP_OPTIONS:
            raise ValidationError(_l("Give at most %(num)d groups.",
                                     num=workshops.MAX_GROUP_OPTIONS))
        if any(len(option) > workshops.GROUP_OPTION_MAX_LENGTH for option in options):
            raise ValidationError(_l("Keep each group to %(num)d characters at most.",
                                     num=workshops.GROUP_OPTION_MAX_LENGTH))
        if len(set(options)) != len(options):
            raise ValidationError(_l("Give each group only once."))


class JoinForm(FlaskForm):
    code = StringField(_l("Workshop code"), filters=[_strip], validators=[
        DataRequired(_l("Type the code the trainer shows.")), Length(max=40)])


class KeepOpenForm(FlaskForm):
    hours = IntegerField(
        _l("Hours"), default=1,
        validators=[InputRequired(_l("Give a number of hours.")), NumberRange(
            min=1, max=workshops.MAX_HOURS_OPEN,
            message=_l("Between 1 and %(max)d hours.", max=workshops.MAX_HOURS_OPEN))])


class ParticipantForm(FlaskForm):
    """A participant's language and, where the trainer split the room, group."""

    language = RadioField(_l("Your language"), validators=[
        DataRequired(_l("Choose a language."))])
    group = RadioField(validators=[DataRequired(_l("Choose one."))])


class DraftForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    label = StringField(_l("Name the draft assessment"), filters=[_strip], validators=[
        DataRequired(_l("Give the assessment a name, such as “Annual review 2026”.")),
        Length(max=LABEL_MAX_LENGTH)])
