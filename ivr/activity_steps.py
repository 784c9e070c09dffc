"""The activity and its details: method, attempt reason, receiving marshal, spoken comment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import jobs
from core.accounts import marshal_by_smc
from core.codes import ATTEMPT_REASONS
from core.db import insert_ignore
from core.models import Docket, Marshal
from core.registry import AFTER_SERVICE_ASKS, service_on_file
from ivr import prompts
from ivr.flow import Again, Call, Go, Input, Outcome, Wait, menu_wait, step
from ivr.signin_steps import signed_in_marshal
from speech.menus import MENUS
from speech.models import QUEUED, SpokenComment
from speech.understand import choose

KINDS = {"1": "SERVICE", "2": "ATTEMPT", "3": "RECEIPT", "4": "TRANSFER", "5": "OTHER"}
NEXT_FOR_KIND = {"SERVICE": "method", "ATTEMPT": "reason", "RECEIPT": "when",
                 "TRANSFER": "transfer", "OTHER": "comment"}
REASON_KEYS = tuple(str(i) for i in range(1, len(ATTEMPT_REASONS) + 1))
FETCH_COMMENT_JOB = "ivr.jobs.fetch_comment"
ACTIVITY_FIELDS = ("kind", "method", "reason", "transfer_smc", "comment", "comment_sid",
                   "comment_url", "occurred_at", "police", "firearms", "date", "time",
                   "after_service")
NEEDS_COMMENT = ("OTHER",)


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
    if kind == "SERVICE" and given.speech:
        said = choose(given.speech, MENUS["method"])  # "served in hand" names the method too
        if said is not None:
            call.state["method"] = {"1": "HAND", "2": "ABODE"}[said]
            return Go("when")
    if kind in {k.value for k in AFTER_SERVICE_ASKS} and _served(call) is not None:
        return Go("after_service")
    return Go(NEXT_FOR_KIND[kind])


def _served(call: Call) -> str | None:
    docket = call.session.get(Docket, call.state["docket_id"])
    assert docket is not None
    served = service_on_file(call.session, docket.id)
    if served is None:
        return None
    when = prompts.spoken_day(served.occurred_at.astimezone(call.zone))
    return prompts.on_file(served.method, when, served.marshal_last_name)


def _after_service_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    served = _served(call)
    texts = (served,) if served else ()
    return (*texts, prompts.after_service(call.state["kind"])), menu_wait(("1", "2"), "yes_no")


@step("after_service", prompt=_after_service_prompt)
def after_service(call: Call, given: Input) -> Outcome:
    """An attempt, receipt or transfer on a served docket is recorded only when confirmed."""
    if given.digits == "2":
        return Go("activity", remember=False)
    call.state["after_service"] = True
    if "occurred_at" in call.state:  # asked at the review: everything else is already given
        return Go("review", remember=False)
    return Go(NEXT_FOR_KIND[call.state["kind"]])


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


@step("comment", prompt=_comment_prompt, on_silence="comment_missing")
def comment(call: Call, given: Input) -> Outcome:
    if not given.recording_url or given.recording_seconds == 0:
        return Go("comment_missing", remember=None)
    sid = given.recording_sid or "unknown"
    call.state.update(comment_sid=sid, comment_url=given.recording_url,
                      comment=prompts.comment_kept(sid))
    if given.recording_sid:
        keep_comment(call, given.recording_sid)
    kept = (prompts.comment_confirmed(given.recording_seconds),) if given.recording_seconds else ()
    return Go("when", kept)


def _comment_missing_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    if call.state.get("kind") in NEEDS_COMMENT:
        return (prompts.COMMENT_NONE, prompts.COMMENT_NEEDED), menu_wait(("1",))
    return (prompts.COMMENT_NONE, prompts.COMMENT_AGAIN), menu_wait(("1", "2"))


@step("comment_missing", prompt=_comment_missing_prompt)
def comment_missing(call: Call, given: Input) -> Outcome:
    """Pound or silence at the comment: record again, or go on without one where allowed
    (star goes back and zero reaches the Registry Section, as everywhere)."""
    if given.digits == "2":
        return Go("when", remember=None)
    return Go("comment", remember=None)


def keep_comment(call: Call, recording_sid: str) -> None:
    """Fetch the spoken comment from Twilio (TWILIO_API_BASE) after this step commits, then
    transcribe it."""
    values = {"call_id": call.log.id, "recording_sid": recording_sid, "status": QUEUED,
              "created_at": call.now, "next_try_at": call.now, "tries": 0}
    if insert_ignore(call.session, SpokenComment.__table__, values):
        queue_comment_fetch(call.session, recording_sid)


def queue_comment_fetch(session: Session, recording_sid: str) -> None:
    """Queue the fetch of a spoken comment the call keeps (one job id per recording)."""
    comment_id = session.scalar(select(SpokenComment.id).where(
        SpokenComment.recording_sid == recording_sid))
    if comment_id is not None:
        jobs.enqueue_after_commit(session, FETCH_COMMENT_JOB, comment_id,
                                  job_id=f"comment-{recording_sid}", queue="default")
