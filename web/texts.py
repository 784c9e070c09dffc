"""Every sentence the web pages and their emails say, together for review."""

from __future__ import annotations

WRONG_SIGN_IN = (
    "The userid or password is not right. After 5 failed tries in a row, web sign-in "
    "from here is locked for 15 minutes (longer each time)."
)
LOCKED = (
    "Web sign-in to this account from here is locked after too many failed tries, until "
    "{until}. The phone line still takes your PIN. Try again then, or call the Registry "
    "Section at {phone}."
)
SIGNED_OUT = "You are signed out."
CONFIRM_MISMATCH = "The new password and its confirmation are not the same."
PASSWORD_CHANGED = "Your password has been changed."
PIN_CHANGED = "Your phone PIN has been changed. Use it the next time you call or text the line."
PIN_MISMATCH = "The PIN and its confirmation are not the same."
WRONG_CURRENT = "The current password is not right."
WRONG_CODE = "That code is not right. Use the 6-digit code your authenticator app shows now."
TOO_MANY_PASSWORDS = "Too many wrong passwords: the account is locked for 15 minutes."
CODE_USED = "That code was already used. Wait for the next code, then enter it."
TOO_MANY_CODES = "Too many wrong codes: the account is locked for 15 minutes."
RESET_SENT = (
    "If that address is on file for a ServeLine account, we have sent it a link to set a "
    "new password. The link works once, for 15 minutes."
)
RESET_INVALID = (
    "This link has expired or has already been used. Ask for a new one: links work "
    "once, for 15 minutes."
)
RESET_DONE = "Your password has been set. Sign in with it now."
FAX_RETRIED = "The fax to {agency} is queued to be sent again."
FAX_NOT_RETRIED = (
    "That fax is not failed, or its next try is already scheduled, so it was not sent again."
)
INITIAL_SENT = "Initial passwords sent: {count}."
ACCOUNT_CREATED = "Account {userid} created. Its single-use initial password was mailed to {email}."
ACCOUNT_CHANGED = {
    "role": "{userid} is now {role}.",
    "unlock": "{userid} is unlocked and can sign in again.",
    "reset_second_factor": (
        "{userid}'s second factor is reset: they enrol an authenticator app at their next sign-in."
    ),
    "deactivate": "{userid} is deactivated: no sign-in on the web, phone or text line.",
    "reactivate": "{userid} is active again.",
}
NOT_ON_YOURSELF = (
    "You cannot change your own role or deactivate your own account: ask another administrator."
)

RESET_SUBJECT = "ServeLine: set a new password"
RESET_BODY = """Hello {name},

Someone (we hope you) asked to set a new ServeLine password for the userid {userid}.
Open this link within 15 minutes to choose a new password; it works only once:

{link}

If you did not ask for this, ignore this email: your password stays as it is.
Questions: the Registry Section, {phone}.
"""

INITIAL_SUBJECT = "ServeLine: your account"
INITIAL_BODY = """Hello {name},

Your ServeLine account is ready.

  Userid:           {userid}
  Initial password: {password}

Sign in at {link}
This password works once: you will choose your own password as soon as you sign in
(at least 8 characters, letters and digits, not a common password).
Questions: the Registry Section, {phone}.
"""
