"""The Accounts page (administrators): create an account, change a role, unlock, reset the second
factor, deactivate or reactivate, send an initial password. Each change is audited with the
administrator's userid."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import account_admin
from core.account_admin import ROLES, AccountError, NewAccount
from core.accounts import is_locked
from core.db import session_scope
from core.models import Marshal
from web import texts
from web.initial import awaiting, send_initial_password, sign_in_link
from web.security import (
    admin_only,
    end_sessions_of,
    found_or_404,
    page_blueprint,
    viewer,
    whole_number,
)

blueprint = page_blueprint("admin", __name__, url_prefix="/staff")
Change = Callable[[Session, Marshal, Mapping[str, str], str], None]


def _me() -> str:
    current = viewer()
    assert current is not None
    return current.userid


def _page(form: Mapping[str, str] | None = None, error: str | None = None) -> Any:
    with session_scope() as db:
        people = list(db.scalars(select(Marshal).order_by(Marshal.role, Marshal.userid)))
        return render_template(
            "accounts.html",
            people=people,
            waiting=set(awaiting(db)),
            roles=ROLES,
            form=form or {},
            error=error,
            locked=is_locked,
            me=_me(),
        )


@blueprint.route("/accounts", methods=["GET", "POST"])
@admin_only
def accounts() -> Any:
    """Every account and what can be changed on it; a POST sends an initial password."""
    if request.method == "GET":
        return _page()
    with session_scope() as db:
        _send_initial(db, request.form.get("marshal", ""))
    return redirect(url_for("admin.accounts"))


def _send_initial(db: Session, marshal_id: str) -> None:
    number = whole_number(marshal_id)
    marshal = db.get(Marshal, number) if number is not None else None
    if marshal is None or marshal not in awaiting(db):
        abort(404)
    settings = current_app.config["SERVELINE"]
    send_initial_password(db, settings, marshal, sign_in_link(settings))  # never the Host
    flash(texts.INITIAL_SENT.format(count=1))


@blueprint.route("/accounts/new", methods=["POST"])
@admin_only
def create() -> Any:
    """A new account; its single-use initial password goes by email."""
    form = request.form
    new = NewAccount(
        form.get("userid", "").strip(),
        form.get("role", ""),
        form.get("email", "").strip(),
        form.get("first_name", "").strip(),
        form.get("last_name", "").strip(),
        form.get("smc_number", "").strip(),
    )
    try:
        with session_scope() as db:
            account = account_admin.create_account(db, new, _me(), "WEB")
            settings = current_app.config["SERVELINE"]
            send_initial_password(db, settings, account, sign_in_link(settings))
    except AccountError as error:
        return _page(form, _sentence(error.message)), 400
    flash(texts.ACCOUNT_CREATED.format(userid=account.userid, email=account.email))
    return redirect(url_for("admin.accounts"))


def _role(db: Session, account: Marshal, form: Mapping[str, str], by: str) -> None:
    account_admin.change_role(db, account, form.get("role", ""), by, "WEB")


def _unlock(db: Session, account: Marshal, form: Mapping[str, str], by: str) -> None:
    account_admin.unlock(db, account, by, "WEB")


def _reset_second_factor(db: Session, account: Marshal, form: Mapping[str, str], by: str) -> None:
    account_admin.reset_second_factor(db, account, by, "WEB")


def _deactivate(db: Session, account: Marshal, form: Mapping[str, str], by: str) -> None:
    account_admin.set_active(db, account, False, by, "WEB")
    end_sessions_of(db, account.id)  # a copied or open cookie stops working at once


def _reactivate(db: Session, account: Marshal, form: Mapping[str, str], by: str) -> None:
    account_admin.set_active(db, account, True, by, "WEB")


CHANGES: dict[str, Change] = {
    "role": _role,
    "unlock": _unlock,
    "reset_second_factor": _reset_second_factor,
    "deactivate": _deactivate,
    "reactivate": _reactivate,
}
NOT_ON_ONESELF = frozenset({"role", "deactivate"})


@blueprint.route("/accounts/<int:account_id>", methods=["POST"])
@admin_only
def change(account_id: int) -> Any:
    """One change to one account (the form's ``action``)."""
    action = request.form.get("action", "")
    if action not in CHANGES:
        abort(400, "That change is not one the Accounts page makes.")
    try:
        with session_scope() as db:
            account = found_or_404(db, Marshal, account_id)
            if action in NOT_ON_ONESELF and account.userid == _me():
                raise AccountError(texts.NOT_ON_YOURSELF)
            CHANGES[action](db, account, request.form, _me())
    except AccountError as error:
        return _page(error=_sentence(error.message)), 400
    flash(texts.ACCOUNT_CHANGED[action].format(userid=account.userid, role=account.role))
    return redirect(url_for("admin.accounts"))


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
