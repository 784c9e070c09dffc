"""The docket: keyed (7 digits, with a * menu for court, year, type, suffix) or spoken."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from core.codes import CASE_TYPES, SUFFIXES
from core.dockets import DocketError, DocketNumber, parse_docket, spoken_chunks
from core.models import Court, Docket
from core.registry import DocketMatch, find_docket, service_on_file
from ivr import prompts
from ivr.flow import Again, Call, Go, Input, Outcome, Wait, menu_wait, step
from ivr.signin_steps import signed_in_marshal
from speech.understand import Hypothesis, read_docket

KEYPAD = {c: str(k) for k, letters in enumerate(
    ["", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"]) for c in letters}
DOCKET_HINTS = ("docket", "H H D", "F A", "$OPERAND", "star", "pound")

SPEECH_TRIES = 2  # spoken dockets missed before the caller is asked for the keypad


def chunks_of(docket: Docket) -> list[str]:
    """How a registry docket is read back, in chunks."""
    number = DocketNumber(docket.court_code, docket.case_type, docket.year, docket.number,
                          docket.suffix)
    return spoken_chunks(number)


def chosen_docket(call: Call) -> Docket:
    docket = call.session.get(Docket, call.state["docket_id"])
    assert docket is not None
    return docket


def _docket_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    speech = call.settings.ivr_speech
    keypad = call.state.get("keypad_only") or speech == "off"
    text = {"twilio": prompts.DOCKET_SPEECH, "vosk": prompts.DOCKET_VOSK,
            "whisper": prompts.DOCKET_WHISPER}.get(speech)
    hints = () if keypad else DOCKET_HINTS
    return (prompts.DOCKET_KEYS if keypad or text is None else text,), Wait("docket", hints=hints)


@step("docket", prompt=_docket_prompt, back=False)
def docket(call: Call, given: Input) -> Outcome:
    if given.speech_failed:
        call.state["keypad_only"] = True
        return Again((prompts.KEY_IT_INSTEAD,))
    if given.digits == "*":
        return Go("docket_options")
    if given.speech:
        return _spoken(call, given.speech)
    return _keyed(call, given.digits)


def _keyed(call: Call, digits: str) -> Outcome:
    call.state.pop("heard", None)
    if len(digits) != 7 or not digits.isdigit():
        return Again((prompts.DOCKET_NOT_A_NUMBER,))
    marshal = signed_in_marshal(call)
    wanted = parse_docket(digits, marshal.default_court, call.now.astimezone(call.zone).year)
    return _look_up(call, _with_parts(wanted, call.state.get("parts", {})))


def _with_parts(wanted: DocketNumber, parts: dict[str, object]) -> DocketNumber:
    if not parts:
        return wanted
    return replace(wanted, **parts, given=wanted.given | frozenset(parts))  # type: ignore[arg-type]


def _spoken(call: Call, hypotheses: tuple[Hypothesis, ...]) -> Outcome:
    marshal = signed_in_marshal(call)
    year = call.now.astimezone(call.zone).year
    reading = read_docket(hypotheses, marshal.default_court, year, known=lambda d: _known(call, d))
    call.state["heard"] = reading.heard
    if reading.docket is None:
        return Again((prompts.KEY_IT_INSTEAD,) if _missed(call) else (prompts.NOT_UNDERSTOOD,))
    return _look_up(call, reading.docket, (prompts.heard_docket(reading.heard),))


def _missed(call: Call) -> bool:
    """Count a spoken docket not understood or not confirmed; after two, the keypad only."""
    call.state["speech_misses"] = call.state.get("speech_misses", 0) + 1
    if call.state["speech_misses"] < SPEECH_TRIES:
        return False
    call.state["keypad_only"] = True
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
        call.state["docket_id"] = match.docket.id
        call.log.docket_text = match.docket.canonical
        return Go("docket_confirm", said)
    if match.ambiguous:
        call.state["candidates"] = [d.id for d in match.candidates[:9]]
        return Go("docket_pick", (*said, prompts.DOCKET_PICK))
    return Again((*said, prompts.docket_unknown(spoken_chunks(wanted))))


def _confirm_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    found = chosen_docket(call)
    read_back = prompts.docket_read_back(chunks_of(found), found.respondent_name)
    return (read_back, *_on_file(call, found), prompts.DOCKET_RIGHT), menu_wait(
        ("1", "2"), "yes_no")


def _on_file(call: Call, found: Docket) -> tuple[str, ...]:
    """What is already on file, said where it helps: at the docket read-back."""
    served = service_on_file(call.session, found.id)
    if served is None:
        return ()
    when = prompts.spoken_day(served.occurred_at.astimezone(call.zone))
    return (prompts.on_file(served.method, when, served.marshal_last_name),)


@step("docket_confirm", prompt=_confirm_prompt)
def docket_confirm(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        if call.state.pop("heard", None) is not None:
            _missed(call)
        return Go("docket", remember=False)
    call.state["keypad_only"] = False
    call.state["speech_misses"] = 0
    return Go("activity")


def _pick_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    options = []
    for key, docket_id in enumerate(call.state["candidates"], start=1):
        found = call.session.get(Docket, docket_id)
        assert found is not None
        options.append(prompts.pick_option(str(key), chunks_of(found), found.respondent_name))
    keys = tuple(str(k) for k in range(1, len(options) + 1))
    return tuple(options), menu_wait(keys)


@step("docket_pick", prompt=_pick_prompt)
def docket_pick(call: Call, given: Input) -> Outcome:
    call.state["docket_id"] = call.state["candidates"][int(given.digits) - 1]
    return Go("docket_confirm")


def _options_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.DOCKET_OPTIONS,), menu_wait(("1", "2", "3", "4"))


@step("docket_options", prompt=_options_prompt)
def docket_options(call: Call, given: Input) -> Outcome:
    return Go({"1": "court", "2": "year", "3": "case_type", "4": "suffix"}[given.digits])


def _court_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.COURT_KEYS,), Wait("entry")


@step("court", prompt=_court_prompt)
def court(call: Call, given: Input) -> Outcome:
    courts = call.session.scalars(select(Court).order_by(Court.code)).all()
    matches = [c for c in courts if "".join(KEYPAD[ch] for ch in c.code) == given.digits]
    if not matches:
        return Again((prompts.COURT_UNKNOWN,))
    call.state.setdefault("parts", {})["court"] = matches[0].code
    return Go("docket", (prompts.court_set(matches[0].name),), remember=False)


def _year_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.YEAR,), Wait("entry")


@step("year", prompt=_year_prompt)
def year(call: Call, given: Input) -> Outcome:
    if len(given.digits) != 2 or not given.digits.isdigit():
        return Again((prompts.YEAR_BAD,))
    call.state.setdefault("parts", {})["year"] = int(given.digits)
    return Go("docket", (prompts.year_set(int(given.digits)),), remember=False)


def _list_prompt(values: tuple[str, ...]) -> tuple[tuple[str, ...], Wait]:
    texts = tuple(prompts.choice_option(str(i), " ".join(v)) for i, v in enumerate(values, 1))
    return texts, menu_wait(tuple(str(i) for i in range(1, len(values) + 1)))


@step("case_type", prompt=lambda call: _list_prompt(CASE_TYPES))
def case_type(call: Call, given: Input) -> Outcome:
    call.state.setdefault("parts", {})["case_type"] = CASE_TYPES[int(given.digits) - 1]
    return Go("docket", remember=False)


@step("suffix", prompt=lambda call: _list_prompt(SUFFIXES))
def suffix(call: Call, given: Input) -> Outcome:
    call.state.setdefault("parts", {})["suffix"] = SUFFIXES[int(given.digits) - 1]
    return Go("docket", remember=False)
