"""The docket: keyed (7 digits, with a * menu for court, year, type, suffix) or spoken."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from core.codes import CASE_TYPES, SUFFIXES
from core.dockets import DocketError, DocketNumber, parse_docket, spoken_chunks
from core.models import Court, Docket
from core.registry import DocketMatch, find_docket, service_on_file
from ivr import prompts
from ivr.machine import (
    ENTRY,
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
    waiting,
)
from ivr.signin_steps import signed_in_marshal
from speech import menus
from speech.understand import Hypothesis, read_docket

KEYPAD = {
    c: str(k)
    for k, letters in enumerate(["", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"])
    for c in letters
}
DOCKET_HINTS = ("docket", "H H D", "F A", "$OPERAND", "star", "pound")

SPEECH_TRIES = 2  # spoken dockets missed before the caller is asked for the keypad


def chunks_of(docket: Docket) -> list[str]:
    """How a registry docket is read back, in chunks."""
    number = DocketNumber(
        docket.court_code, docket.case_type, docket.year, docket.number, docket.suffix
    )
    return spoken_chunks(number)


def _choose_docket(call: Call, docket: Docket) -> None:
    call.state.docket.docket_id = docket.id
    call.state.docket.respondent = docket.respondent_name


def chosen_respondent(call: Call) -> str:
    """The chosen docket's respondent, as read back when it was chosen (read from the docket
    for a call that chose it before the name was kept)."""
    return call.state.docket.respondent or chosen_docket(call).respondent_name


def chosen_docket(call: Call) -> Docket:
    docket = call.session.get(Docket, call.state.docket.docket_id)
    assert docket is not None
    return docket


def _keypad(call: Call) -> bool:
    return call.state.keypad_only or call.settings.ivr_speech == "off"


def _docket_prompt(call: Call) -> tuple[str, ...]:
    text = {
        "twilio": prompts.DOCKET_SPEECH,
        "vosk": prompts.DOCKET_VOSK,
        "whisper": prompts.DOCKET_WHISPER,
    }.get(call.settings.ivr_speech)
    return (prompts.DOCKET_KEYS if _keypad(call) or text is None else text,)


def _docket_wait(call: Call) -> Wait:
    return Wait("docket", hints=() if _keypad(call) else DOCKET_HINTS)


def docket(call: Call, given: Input) -> Outcome:
    if given.speech_failed:
        call.state.keypad_only = True
        return Again((prompts.KEY_IT_INSTEAD,))
    if given.digits == "*":
        return Go("docket_options")
    if given.speech:
        return _spoken(call, given.speech)
    return _keyed(call, given.digits)


def _keyed(call: Call, digits: str) -> Outcome:
    call.state.docket.heard = None
    if len(digits) != 7 or not digits.isdigit():
        return Again((prompts.DOCKET_NOT_A_NUMBER,))
    wanted = parse_docket(digits, _default_court(call), call.now.astimezone(call.zone).year)
    return _look_up(call, _with_parts(wanted, call.state.docket.parts))


def _with_parts(wanted: DocketNumber, parts: dict[str, object]) -> DocketNumber:
    if not parts:
        return wanted
    return replace(wanted, **parts, given=wanted.given | frozenset(parts))  # type: ignore[arg-type]


def _spoken(call: Call, hypotheses: tuple[Hypothesis, ...]) -> Outcome:
    year = call.now.astimezone(call.zone).year
    reading = read_docket(hypotheses, _default_court(call), year, known=lambda d: _known(call, d))
    call.state.docket.heard = reading.heard
    if reading.docket is None:
        return Again((prompts.KEY_IT_INSTEAD,) if _missed(call) else (prompts.NOT_UNDERSTOOD,))
    return _look_up(call, reading.docket, (prompts.heard_docket(reading.heard),))


def _default_court(call: Call) -> str | None:
    """The signed-in marshal's default court, as kept when he was chosen (read from his row for
    a call that began before it was kept)."""
    kept = call.state.default_court
    court = kept if kept is not None else signed_in_marshal(call).default_court
    return court or None


def _missed(call: Call) -> bool:
    """Count a spoken docket not understood or not confirmed; after two, the keypad only."""
    call.state.speech_misses += 1
    if call.state.speech_misses < SPEECH_TRIES:
        return False
    call.state.keypad_only = True
    return True


def _known(call: Call, wanted: DocketNumber) -> bool:
    try:
        return find_docket(call.session, wanted).found
    except DocketError:
        return False


def _look_up(call: Call, wanted: DocketNumber, said: tuple[str, ...] = ()) -> Outcome:
    try:
        match = find_docket(call.session, wanted)
    except DocketError as error:
        return Again((*said, prompts.refused(error.message)))
    call.log.docket_text = wanted.canonical
    return _matched(call, match, wanted, said)


def _matched(
    call: Call, match: DocketMatch, wanted: DocketNumber, said: tuple[str, ...]
) -> Outcome:
    if match.docket is not None:
        _choose_docket(call, match.docket)
        call.log.docket_text = match.docket.canonical
        return Go("docket_confirm", said)
    if match.ambiguous:
        call.state.docket.candidates = [d.id for d in match.candidates[:9]]
        return Go("docket_pick", (*said, prompts.DOCKET_PICK))
    return Again((*said, prompts.docket_unknown(spoken_chunks(wanted))))


def _confirm_prompt(call: Call) -> tuple[str, ...]:
    found = chosen_docket(call)
    read_back = prompts.docket_read_back(chunks_of(found), found.respondent_name)
    return (read_back, *_on_file(call, found), menus.DOCKET_CONFIRM.prompt)


def _on_file(call: Call, found: Docket) -> tuple[str, ...]:
    """What is already on file, said where it helps: at the docket read-back."""
    served = service_on_file(call.session, found.id)
    if served is None:
        return ()
    when = prompts.spoken_day(served.occurred_at.astimezone(call.zone))
    return (prompts.on_file(served.method, when, served.marshal_last_name),)


def docket_confirm(call: Call, given: Input) -> Outcome:
    search = call.state.docket
    if given.digits == "2":
        if search.heard is not None:
            search.heard = None
            _missed(call)
    else:
        call.state.keypad_only = False
        call.state.speech_misses = 0
    return go_to(menus.DOCKET_CONFIRM.option(given.digits))


def _pick_prompt(call: Call) -> tuple[str, ...]:
    options = []
    for key, docket_id in enumerate(call.state.docket.candidates, start=1):
        found = call.session.get(Docket, docket_id)
        assert found is not None
        options.append(prompts.pick_option(str(key), chunks_of(found), found.respondent_name))
    return tuple(options)


def _pick_wait(call: Call) -> Wait:
    return _numbered(len(call.state.docket.candidates))


def _numbered(count: int) -> Wait:
    return Wait(keys=tuple(str(k) for k in range(1, count + 1)))


def docket_pick(call: Call, given: Input) -> Outcome:
    call.state.docket.docket_id = call.state.docket.candidates[int(given.digits) - 1]
    _choose_docket(call, chosen_docket(call))
    return Go("docket_confirm")


def court(call: Call, given: Input) -> Outcome:
    courts = call.session.scalars(select(Court).order_by(Court.code)).all()
    matches = [c for c in courts if "".join(KEYPAD[ch] for ch in c.code) == given.digits]
    if not matches:
        return Again((prompts.COURT_UNKNOWN,))
    call.state.docket.parts["court"] = matches[0].code
    return Go("docket", (prompts.court_set(matches[0].name),), remember=False)


def year(call: Call, given: Input) -> Outcome:
    if len(given.digits) != 2 or not given.digits.isdigit():
        return Again((prompts.YEAR_BAD,))
    call.state.docket.parts["year"] = int(given.digits)
    return Go("docket", (prompts.year_set(int(given.digits)),), remember=False)


def _listed(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(prompts.choice_option(str(i), " ".join(v)) for i, v in enumerate(values, 1))


def case_type(call: Call, given: Input) -> Outcome:
    call.state.docket.parts["case_type"] = CASE_TYPES[int(given.digits) - 1]
    return Go("docket", remember=False)


def suffix(call: Call, given: Input) -> Outcome:
    call.state.docket.parts["suffix"] = SUFFIXES[int(given.digits) - 1]
    return Go("docket", remember=False)


DOCKET = Step(_docket_prompt, _docket_wait, docket, back=False)
PICK = Step(_pick_prompt, _pick_wait, docket_pick)
CONFIRM = menu_step(menus.DOCKET_CONFIRM, docket_confirm, say=_confirm_prompt)
COURT = Step(asking(prompts.COURT_KEYS), waiting(ENTRY), court)
YEAR = Step(asking(prompts.YEAR), waiting(ENTRY), year)
CASE_TYPE = Step(asking(*_listed(CASE_TYPES)), waiting(_numbered(len(CASE_TYPES))), case_type)
SUFFIX = Step(asking(*_listed(SUFFIXES)), waiting(_numbered(len(SUFFIXES))), suffix)
