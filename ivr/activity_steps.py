"""The activity and its details: method, attempt reason, receiving marshal, spoken comment."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import jobs
from core.accounts import marshal_by_smc
from core.db import insert_ignore
from core.models import ActivityKind, Docket, Marshal
from core.registry import AFTER_SERVICE_ASKS, service_on_file
from ivr import prompts
from ivr.machine import (
    Again,
    Call,
    Go,
    Input,
    Outcome,
    Step,
    Wait,
    asking,
    go_to,
    menu_step,
    menu_wait,
    waiting,
)
from ivr.signin_steps import signed_in_marshal
from ivr.state import Activity
from speech import menus
from speech.models import QUEUED, SpokenComment
from speech.understand import choose

FETCH_COMMENT_JOB = "ivr.jobs.fetch_comment"
NEEDS_COMMENT = (ActivityKind.OTHER,)


def next_activity(call: Call) -> None:
    """Start the next activity from nothing (the docket stays unless asked)."""
    call.state.activity = Activity()


def activity(call: Call, given: Input) -> Outcome:
    next_activity(call)
    chosen = menus.ACTIVITY.option(given.digits)
    kind = ActivityKind(str(chosen.value))
    call.state.activity.kind = kind
    if kind == ActivityKind.SERVICE and given.speech:
        said = choose(given.speech, menus.METHOD.words)  # "served in hand" names the method too
        if said is not None:
            call.state.activity.answers[menus.METHOD.name] = str(menus.METHOD.option(said).value)
            return Go("when")
    if kind in AFTER_SERVICE_ASKS and _served(call) is not None:
        return Go("after_service")
    return _next_for(kind)


def _next_for(kind: ActivityKind) -> Go:
    """The step after the activity menu for this kind (method, reason, when…)."""
    return go_to(next(o for o in menus.ACTIVITY.options if o.value == kind))


def _served(call: Call) -> str | None:
    docket = call.session.get(Docket, call.state.docket.docket_id)
    assert docket is not None
    served = service_on_file(call.session, docket.id)
    if served is None:
        return None
    when = prompts.spoken_day(served.occurred_at.astimezone(call.zone))
    return prompts.on_file(served.method, when, served.marshal_last_name)


def _after_service_prompt(call: Call) -> tuple[str, ...]:
    served = _served(call)
    texts = (served,) if served else ()
    kind = call.state.activity.kind
    assert kind is not None
    return (*texts, prompts.after_service(kind))


def after_service(call: Call, given: Input) -> Outcome:
    """An attempt, receipt or transfer on a served docket is recorded only when confirmed."""
    if given.digits == "2":
        return Go("activity", remember=False)
    entered = call.state.activity
    entered.after_service = True
    if entered.when_given:  # asked at the review: everything else is already given
        return Go("review", remember=False)
    assert entered.kind is not None
    return _next_for(entered.kind)


def transfer(call: Call, given: Input) -> Outcome:
    target = marshal_by_smc(call.session, given.digits)
    if target is None or target.id == signed_in_marshal(call).id:
        return Again((prompts.UNKNOWN_MARSHAL,))
    call.state.activity.transfer_smc = target.smc_number
    return Go("transfer_confirm")


def transfer_target(call: Call) -> Marshal:
    smc = call.state.activity.transfer_smc
    target = marshal_by_smc(call.session, smc) if smc else None
    assert target is not None
    return target


def _transfer_confirm_prompt(call: Call) -> tuple[str, ...]:
    target = transfer_target(call)
    read_back = prompts.transfer_to(target.display_name, str(call.state.activity.transfer_smc))
    return (read_back, menus.TRANSFER_CONFIRM.prompt)


def comment(call: Call, given: Input) -> Outcome:
    if not given.recording_url or given.recording_seconds == 0:
        return Go("comment_missing", remember=None)
    sid = given.recording_sid or "unknown"
    entered = call.state.activity
    entered.comment_sid, entered.comment_url = sid, given.recording_url
    entered.comment = prompts.comment_kept(sid)
    if given.recording_sid:
        keep_comment(call, given.recording_sid)
    kept = (prompts.comment_confirmed(given.recording_seconds),) if given.recording_seconds else ()
    return Go("when", kept)


def _comment_menu(call: Call) -> menus.Menu:
    """Pound or silence at the comment: record again, or go on without one where allowed
    (star goes back and zero reaches the Registry Section, as everywhere)."""
    needed = call.state.activity.kind in NEEDS_COMMENT
    return menus.COMMENT_NEEDED if needed else menus.COMMENT_AGAIN


def comment_missing(call: Call, given: Input) -> Outcome:
    return go_to(_comment_menu(call).option(given.digits))


def keep_comment(call: Call, recording_sid: str) -> None:
    """Fetch the spoken comment from Twilio (TWILIO_API_BASE) after this step commits, then
    transcribe it."""
    values = {
        "call_id": call.log.id,
        "recording_sid": recording_sid,
        "status": QUEUED,
        "created_at": call.now,
        "next_try_at": call.now,
        "tries": 0,
    }
    if insert_ignore(call.session, SpokenComment.__table__, values):
        queue_comment_fetch(call.session, recording_sid)


def queue_comment_fetch(session: Session, recording_sid: str) -> None:
    """Queue the fetch of a spoken comment the call keeps (one job id per recording)."""
    comment_id = session.scalar(
        select(SpokenComment.id).where(SpokenComment.recording_sid == recording_sid)
    )
    if comment_id is not None:
        jobs.enqueue_after_commit(
            session,
            FETCH_COMMENT_JOB,
            comment_id,
            job_id=f"comment-{recording_sid}",
            queue="default",
        )


ACTIVITY = menu_step(menus.ACTIVITY, activity)
AFTER_SERVICE = menu_step(menus.AFTER_SERVICE, after_service, say=_after_service_prompt)
TRANSFER = Step(asking(prompts.TRANSFER_TO), waiting(Wait("entry")), transfer)
TRANSFER_CONFIRM = menu_step(menus.TRANSFER_CONFIRM, say=_transfer_confirm_prompt)
COMMENT = Step(
    asking(prompts.COMMENT),
    waiting(Wait("record", max_length=60)),
    comment,
    on_silence="comment_missing",
)
COMMENT_MISSING = Step(
    lambda call: (prompts.COMMENT_NONE, _comment_menu(call).prompt),
    lambda call: menu_wait(_comment_menu(call)),
    comment_missing,
)
