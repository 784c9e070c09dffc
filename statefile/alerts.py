"""The mail that tells the Registry Section the state file rejected a message, or gave up."""

from __future__ import annotations

from core.state_file import StateFileMessage

SUBJECT = "State file {status}: {docket} ({kind})"
BODY = """A message to the state protection order file needs attention.

Docket: {docket}
Respondent: {respondent}
Confirmation number: {confirmation}
Message: {message_id} ({kind}), attempt {attempts}
Status: {status}
Reason: {reason}

Correct the entry (re-record it, which sends a correction) or enter it in the state file by
hand. `serveline state-file --docket {docket} --json` shows every message of the docket.
"""


def alert_mail(row: StateFileMessage) -> tuple[str, str]:
    """Subject and body of the alert for one rejected or dead message."""
    case = row.payload.get("case", {})
    respondent = case.get("respondent", {})
    words = {
        "docket": case.get("docket", ""),
        "respondent": f"{respondent.get('first_name', '')} {respondent.get('last_name', '')}",
        "confirmation": row.payload.get("confirmation", ""),
        "message_id": row.message_id,
        "kind": row.kind,
        "attempts": row.attempts,
        "status": row.status,
        "reason": row.reason or "none given",
    }
    return SUBJECT.format(**words), BODY.format(**words)
