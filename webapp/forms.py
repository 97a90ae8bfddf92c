"""HTML forms (Flask-WTF: CSRF protection and field validation)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from .models import BODY_MAX, TAG_MAX, TITLE_MAX


class NoteForm(FlaskForm):
    """Create or edit a note."""

    title = StringField("Title", validators=[Length(max=TITLE_MAX)])
    body = TextAreaField("Text", validators=[Length(max=BODY_MAX)])
    tags = StringField("Tags", description="Separate tags with commas", validators=[Length(max=2000)])
    version = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=1)])


class TagRenameForm(FlaskForm):
    """Rename a tag (renaming onto an existing name merges the two)."""

    name = StringField("New name", validators=[InputRequired(), Length(max=TAG_MAX)])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class SettingsForm(FlaskForm):
    """Appearance and defaults."""

    theme = SelectField("Theme", choices=[SelectChoice("system", "Follow the system"), SelectChoice("light", "Light"),
                                          SelectChoice("dark", "Dark")])
    font_size = IntegerField("Editor font size (px)", validators=[InputRequired(), NumberRange(min=12, max=24)])
    default_sort = SelectField("Sort notes by", choices=[SelectChoice("updated", "Last changed"),
                                                         SelectChoice("created", "Created"), SelectChoice("title", "Title")])


class TokenForm(FlaskForm):
    """Create a personal API token."""

    name = StringField("Token name", validators=[InputRequired(), Length(max=100)],
                       description="What will use it, e.g. “backup script”")


class ImportForm(FlaskForm):
    """Upload an export archive."""

    archive = FileField("Archive (.zip)", validators=[FileRequired("Choose a .zip file to import."),
                                                      FileAllowed(["zip"], "Only .zip archives can be imported.")])


class UnlockForm(FlaskForm):
    """The lock screen."""

    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    next = HiddenField()


class LockSettingsForm(FlaskForm):
    """Set, change or remove the lock password."""

    current_password = PasswordField("Current password", validators=[Length(max=200)],
                                     description="Needed to change or remove a password that is set")
    new_password = PasswordField("New password (or PIN)", validators=[Optional(), Length(min=4, max=200)])
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new_password", "The passwords differ.")])
    idle_minutes = IntegerField("Lock after this many idle minutes (0: only on start)",
                                validators=[InputRequired(), NumberRange(min=0, max=1440)])
    remove = BooleanField("Remove the lock password")
