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
from ivr.activity_steps import next_activity, transfer_target
from ivr.docket_steps import chosen_respondent
from ivr.machine import Call, Finish, Go, Input, Outcome, goodbye, menu_step
from ivr.state import DocketSearch
from ivr.when_steps import occurred_at
from speech import menus

BACK_TO = {"occurred_at": "when", "transfer_to": "transfer", "comment": "comment"}


def summary(call: Call) -> list[str]:
    """The parts of the read-back, in the order a clerk would read them."""
    entered = call.state.activity
    assert entered.kind is not None
    parts = [prompts.KIND_WORDS[entered.kind] + _detail(call)]
    # The docket was read back and confirmed a moment ago: the respondent's name is enough here.
    parts.append(prompts.on_respondent(chosen_respondent(call)))
    moment = occurred_at(call)
    zone = call.settings.zone
    local_year = call.now.astimezone(zone).year
    parts.append(
        prompts.spoken_time(moment.astimezone(zone), moment.astimezone(zone).year != local_year)
        if moment
        else "just now"
    )
    return parts + _read_back(call)


def _read_back(call: Call) -> list[str]:
    """The menus' answers that the review reads back ("police helped"), in the flow's order."""
    answers = call.state.activity.answers
    chosen = [
        next((o for o in menu.options if o.value == answers[menu.name]), None)
        for menu in menus.ANSWERS
        if menu.name in answers
    ]
    return [o.read_back for o in chosen if o is not None and o.read_back]


def _detail(call: Call) -> str:
    entered = call.state.activity
    if entered.method:
        return " " + prompts.METHOD_WORDS[entered.method]
    if entered.reason:
        return ", " + attempt_reason(entered.reason).label
    if entered.transfer_smc:
        return " to " + transfer_target(call).display_name
    if entered.comment:
        return ", with a spoken comment"
    return ""


def _review_prompt(call: Call) -> tuple[str, ...]:
    return (prompts.review(summary(call)), menus.REVIEW.prompt)


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
        call.state.previous = prompts.already(
            ActivityKind(previous.kind), when, previous.marshal_name
        )
        return Go("rerecord")
    except ServiceOnFile:  # served while this call was choosing: ask, naming the service
        return Go("after_service", remember=False)
    except ActivityError as error:
        back = BACK_TO.get(error.field, "activity")
        return Go(back, (prompts.refused(error.message),), remember=False)
    return _done(call, recorded.activity_id, recorded.confirmation)


def _report(call: Call, re_record: bool) -> ActivityReport:
    entered = call.state.activity
    answers = entered.answers
    assert entered.kind is not None
    return ActivityReport(
        # The ids only: record_activity reads the docket (locking it) and the marshal itself.
        docket_id=_docket_id(call),
        marshal_id=_marshal_id(call),
        kind=entered.kind,
        channel=Channel.PHONE,
        source_id=call.source_id,
        occurred_at=occurred_at(call),
        method=ServiceMethod(entered.method) if entered.method else None,
        attempt_reason=entered.reason,
        transfer_to_smc=entered.transfer_smc,
        comment=entered.comment,
        police_assistance=_yes(answers.get(menus.POLICE.name)),
        firearms=Firearms(str(answers.get(menus.FIREARMS.name, "UNKNOWN"))),
        re_record=re_record,
        after_service=entered.after_service,
    )


def _docket_id(call: Call) -> int:
    docket_id = call.state.docket.docket_id
    assert docket_id is not None
    return docket_id


def _marshal_id(call: Call) -> int:
    marshal_id = call.state.marshal_id
    assert marshal_id is not None and call.state.signed_in
    return marshal_id


def _yes(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _done(call: Call, activity_id: int, confirmation: str) -> Outcome:
    said = [prompts.recorded(confirmation)]
    if call.state.activity.kind == ActivityKind.SERVICE:
        said.append(prompts.FAX_NOTICE)
    call.state.recorded.append(activity_id)
    call.log.activity_id = activity_id
    call.log.outcome = "recorded"
    next_activity(call)
    return Go("another", tuple(said), remember=False)


def _rerecord_prompt(call: Call) -> tuple[str, ...]:
    return (call.state.previous or "", menus.RERECORD.prompt)


def rerecord(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        next_activity(call)
        return Go("another", (prompts.NOT_RECORDED,), remember=False)
    return _record(call, re_record=True)


def another(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Finish(goodbye(call, prompts.GOODBYE, call.log.outcome or "ended"))
    call.state.docket = DocketSearch()
    return Go("docket", remember=False)


REVIEW = menu_step(menus.REVIEW, review, say=_review_prompt)
RERECORD = menu_step(menus.RERECORD, rerecord, say=_rerecord_prompt)
ANOTHER = menu_step(menus.ANOTHER, another, back=False)
