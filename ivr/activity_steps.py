"""The activity and its details: method, attempt reason, receiving marshal, spoken comment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import jobs
from core.accounts import marshal_by_smc
from core.codes import ATTEMPT_REASONS
from core.db import insert_ignore
from core.models import Marshal
from ivr import prompts
from ivr.flow import Again, Call, Go, Input, Outcome, Wait, menu_wait, step
from ivr.signin_steps import signed_in_marshal
from speech.models import QUEUED, SpokenComment

KINDS = {"1": "SERVICE", "2": "ATTEMPT", "3": "RECEIPT", "4": "TRANSFER", "5": "OTHER"}
NEXT_FOR_KIND = {"SERVICE": "method", "ATTEMPT": "reason", "RECEIPT": "when",
                 "TRANSFER": "transfer", "OTHER": "comment"}
REASON_KEYS = tuple(str(i) for i in range(1, len(ATTEMPT_REASONS) + 1))
FETCH_COMMENT_JOB = "ivr.jobs.fetch_comment"
ACTIVITY_FIELDS = ("kind", "method", "reason", "transfer_smc", "comment", "comment_sid",
                   "comment_url", "occurred_at", "police", "firearms", "date", "time")


def forget_activity(call: Call) -> None:
    """Clear what was gathered for one activity (the docket stays unless asked)."""
    for name in ACTIVITY_FIELDS:
        call.state.pop(name, None)


def _activity_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.ACTIVITY,), menu_wait(tuple(KINDS), "activity")


@step("activity", prompt=_activity_prompt)
def activity(call: Call, given: Input) -> Outcome:
    forget_activity(call)
    kind = KINDS[given.digits]
    call.state["kind"] = kind
    return Go(NEXT_FOR_KIND[kind])


def _method_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.METHOD,), menu_wait(("1", "2"), "method")


@step("method", prompt=_method_prompt)
def method(call: Call, given: Input) -> Outcome:
    call.state["method"] = {"1": "HAND", "2": "ABODE"}[given.digits]
    return Go("when")


def _reason_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    menu = prompts.reason_menu([r.label for r in ATTEMPT_REASONS])
    return (menu,), menu_wait(REASON_KEYS, "reason")


@step("reason", prompt=_reason_prompt)
def reason(call: Call, given: Input) -> Outcome:
    call.state["reason"] = ATTEMPT_REASONS[int(given.digits) - 1].code
    return Go("when")


def _transfer_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.TRANSFER_TO,), Wait("entry")


@step("transfer", prompt=_transfer_prompt)
def transfer(call: Call, given: Input) -> Outcome:
    target = marshal_by_smc(call.session, given.digits)
    if target is None or target.id == signed_in_marshal(call).id:
        return Again((prompts.UNKNOWN_MARSHAL,))
    call.state["transfer_smc"] = target.smc_number
    return Go("transfer_confirm")


def transfer_target(call: Call) -> Marshal:
    target = marshal_by_smc(call.session, call.state["transfer_smc"])
    assert target is not None
    return target


def _transfer_confirm_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    target = transfer_target(call)
    read_back = prompts.transfer_to(target.display_name, call.state["transfer_smc"])
    return (read_back, prompts.TRANSFER_RIGHT), menu_wait(("1", "2"), "yes_no")


@step("transfer_confirm", prompt=_transfer_confirm_prompt)
def transfer_confirm(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Go("transfer", remember=False)
    return Go("when")


def _comment_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.COMMENT,), Wait("record", max_length=60)


@step("comment", prompt=_comment_prompt)
def comment(call: Call, given: Input) -> Outcome:
    if not given.recording_url:
        return Again((prompts.COMMENT_NONE,))
    sid = given.recording_sid or "unknown"
    call.state.update(comment_sid=sid, comment_url=given.recording_url,
                      comment=prompts.comment_kept(sid))
    if given.recording_sid:
        keep_comment(call, given.recording_sid)
    return Go("when")


def keep_comment(call: Call, recording_sid: str) -> None:
    """Fetch the spoken comment from Twilio (TWILIO_API_BASE) after this step commits, then
    transcribe it."""
    values = {"call_id": call.log.id, "recording_sid": recording_sid, "status": QUEUED,
              "created_at": call.now}
    if insert_ignore(call.session, SpokenComment.__table__, values):
        queue_comment_fetch(call.session, recording_sid)


def queue_comment_fetch(session: Session, recording_sid: str) -> None:
    """Queue the fetch of a spoken comment the call keeps (one job id per recording)."""
    comment_id = session.scalar(select(SpokenComment.id).where(
        SpokenComment.recording_sid == recording_sid))
    if comment_id is not None:
        jobs.enqueue_after_commit(session, FETCH_COMMENT_JOB, comment_id,
                                  job_id=f"comment-{recording_sid}", queue="default")
