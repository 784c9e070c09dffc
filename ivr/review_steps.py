"""Police assistance, firearms, the full read-back, recording it, and another activity."""

from __future__ import annotations

from core.codes import attempt_reason
from core.models import ActivityKind, Channel, Firearms, ServiceMethod
from core.registry import (
    ActivityError,
    ActivityReport,
    ReRecordRequired,
    ServiceOnFile,
    record_activity,
)
from ivr import prompts
from ivr.activity_steps import forget_activity, transfer_target
from ivr.docket_steps import chosen_docket
from ivr.flow import Call, Finish, Go, Input, Outcome, Wait, goodbye, menu_wait, step
from ivr.signin_steps import signed_in_marshal
from ivr.when_steps import occurred_at

FIREARMS = {"1": "YES", "2": "NO", "3": "UNKNOWN"}
BACK_TO = {"occurred_at": "when", "transfer_to": "transfer", "comment": "comment"}


def _police_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.POLICE,), menu_wait(("1", "2"), "yes_no")


@step("police", prompt=_police_prompt)
def police(call: Call, given: Input) -> Outcome:
    call.state["police"] = given.digits == "1"
    return Go("firearms")


def _firearms_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.FIREARMS,), menu_wait(tuple(FIREARMS), "firearms")


@step("firearms", prompt=_firearms_prompt)
def firearms(call: Call, given: Input) -> Outcome:
    call.state["firearms"] = FIREARMS[given.digits]
    return Go("review")


def summary(call: Call) -> list[str]:
    """The parts of the read-back, in the order a clerk would read them."""
    state = call.state
    parts = [prompts.KIND_WORDS[state["kind"]] + _detail(call)]
    # The docket was read back and confirmed a moment ago: the respondent's name is enough here.
    parts.append(prompts.on_respondent(chosen_docket(call).respondent_name))
    moment = occurred_at(call)
    zone = call.settings.zone
    local_year = call.now.astimezone(zone).year
    parts.append(prompts.spoken_time(moment.astimezone(zone), moment.astimezone(zone).year
                                     != local_year) if moment else "just now")
    if "police" in state:
        parts.append(prompts.POLICE_WORDS[bool(state["police"])])
    if "firearms" in state:
        parts.append(prompts.FIREARMS_WORDS[state["firearms"]])
    return parts


def _detail(call: Call) -> str:
    state = call.state
    if state.get("method"):
        return " " + prompts.METHOD_WORDS[state["method"]]
    if state.get("reason"):
        return ", " + attempt_reason(state["reason"]).label
    if state.get("transfer_smc"):
        return " to " + transfer_target(call).display_name
    if state.get("comment"):
        return ", with a spoken comment"
    return ""


def _review_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.review(summary(call)), prompts.REVIEW_KEYS), menu_wait(
        ("1", "2"), "yes_no")


@step("review", prompt=_review_prompt)
def review(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Go("activity", remember=False)
    return _record(call, re_record=False)


def _record(call: Call, re_record: bool) -> Outcome:
    try:
        recorded = record_activity(call.session, _report(call, re_record), now=call.now)
    except ReRecordRequired as asked:
        previous = asked.previous
        when = prompts.spoken_time(previous.occurred_at.astimezone(call.zone))
        call.state["previous"] = prompts.already(previous.kind, when, previous.marshal_name)
        return Go("rerecord")
    except ServiceOnFile:  # served while this call was choosing: ask, naming the service
        return Go("after_service", remember=False)
    except ActivityError as error:
        back = BACK_TO.get(error.field, "activity")
        return Go(back, (prompts.refused(error.message),), remember=False)
    return _done(call, recorded.activity_id, recorded.confirmation)


def _report(call: Call, re_record: bool) -> ActivityReport:
    state = call.state
    return ActivityReport(
        docket_id=state["docket_id"],
        marshal_id=signed_in_marshal(call).id,
        kind=ActivityKind(state["kind"]),
        channel=Channel.PHONE,
        source_id=call.source_id,
        occurred_at=occurred_at(call),
        method=ServiceMethod(state["method"]) if state.get("method") else None,
        attempt_reason=state.get("reason"),
        transfer_to_smc=state.get("transfer_smc"),
        comment=state.get("comment"),
        police_assistance=state.get("police"),
        firearms=Firearms(state.get("firearms", "UNKNOWN")),
        re_record=re_record,
        after_service=bool(state.get("after_service")),
    )


def _done(call: Call, activity_id: int, confirmation: str) -> Outcome:
    said = [prompts.recorded(confirmation)]
    if call.state["kind"] == "SERVICE":
        said.append(prompts.FAX_NOTICE)
    call.state.setdefault("recorded", []).append(activity_id)
    call.log.activity_id = activity_id
    call.log.outcome = "recorded"
    forget_activity(call)
    return Go("another", tuple(said), remember=False)


def _rerecord_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (call.state["previous"], prompts.RE_RECORD_KEYS), menu_wait(
        ("1", "2"), "yes_no")


@step("rerecord", prompt=_rerecord_prompt)
def rerecord(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        forget_activity(call)
        return Go("another", (prompts.NOT_RECORDED,), remember=False)
    return _record(call, re_record=True)


def _another_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.ANOTHER,), menu_wait(("1", "2"), "yes_no")


@step("another", prompt=_another_prompt, back=False)
def another(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Finish(goodbye(call, prompts.GOODBYE, call.log.outcome or "ended"))
    for name in ("docket_id", "candidates", "parts", "heard"):
        call.state.pop(name, None)
    return Go("docket", remember=False)
