"""Settings: appearance, default order, personal API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from ..extensions import db
from ..forms import ActionForm, LockSettingsForm, SettingsForm, TokenForm
from ..models import ApiToken
from ..services import lock as lock_service
from ..services import settings as settings_service
from ..services import tokens

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(form: SettingsForm | None = None, token_form: TokenForm | None = None, new_token: str | None = None,
          lock_form: LockSettingsForm | None = None, status=200):
    form = form or SettingsForm(data=settings_service.all_settings())
    lock_form = lock_form or LockSettingsForm(data={"idle_minutes": lock_service.idle_minutes()})
    api_tokens = db.session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())).all()
    return render_template("settings.html", form=form, token_form=token_form or TokenForm(), tokens=api_tokens,
                           new_token=new_token, lock_form=lock_form, action_form=ActionForm()), status


@bp.get("/")
def index():
    """The settings page."""
    return _page()


@bp.post("/")
def save():
    """Save appearance and defaults."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(form=form, status=422)
    try:
        settings_service.save({"theme": form.theme.data, "font_size": form.font_size.data,
                               "default_sort": form.default_sort.data})
    except settings_service.SettingError as exc:
        form.font_size.errors.append(str(exc))
        return _page(form=form, status=422)
    flash("Settings saved.", "success")
    return redirect(url_for("settings.index"))


@bp.post("/lock")
def save_lock():
    """Set, change or remove the lock password; the current one is needed to change it."""
    form = LockSettingsForm()
    if not form.validate_on_submit():
        return _page(lock_form=form, status=422)
    if lock_service.enabled() and not lock_service.check_password(form.current_password.data or ""):
        form.current_password.errors.append("That is not the current password.")
        return _page(lock_form=form, status=422)
    if not form.remove.data and not form.new_password.data and not lock_service.enabled():
        form.new_password.errors.append("Choose a password, or leave the lock off.")
        return _page(lock_form=form, status=422)
    try:
        if form.remove.data:
            lock_service.set_password(None, idle=form.idle_minutes.data)
            flash("The lock password was removed.", "success")
        else:
            new = form.new_password.data or None
            if new is None:  # only the idle time changes
                lock_service.set_idle_minutes(form.idle_minutes.data)
            else:
                lock_service.set_password(new, idle=form.idle_minutes.data)
            lock_service.mark_unlocked()
            flash("Lock settings saved.", "success")
    except lock_service.LockError as exc:
        form.new_password.errors.append(str(exc))
        return _page(lock_form=form, status=422)
    return redirect(url_for("settings.index") + "#lock")


@bp.post("/tokens")
def create_token():
    """Create an API token and show it once."""
    token_form = TokenForm()
    if not token_form.validate_on_submit():
        return _page(token_form=token_form, status=422)
    _, token = tokens.create(token_form.name.data)
    return _page(new_token=token)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Revoke an API token."""
    if ActionForm().validate_on_submit():
        if not tokens.revoke(token_id):
            abort(404, description="That token does not exist.")
        flash("Token revoked: scripts using it can no longer get in.", "success")
    return redirect(url_for("settings.index"))
