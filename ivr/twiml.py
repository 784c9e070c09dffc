"""Replies of the call flow rendered as TwiML with the Twilio helper's builders."""

from __future__ import annotations

from dataclasses import dataclass

from twilio.twiml.voice_response import Gather, Start, VoiceResponse

from ivr import prompts
from ivr.machine import Reply, Wait
from speech.engine import LOCAL_ENGINES
from speech.roundtrip import TIMEOUT, Heard, Recorded

# Twilio wants a whole number of seconds for speechTimeout when a speechModel is set
# ("auto" is refused with a model, warning 13335); 2 s ends a docket without cutting digits.
SPEECH_MODEL = "numbers_and_commands"
SPEECH_TIMEOUT = "2"
KEY_TIMEOUT = 5
MENU_SECONDS = 4  # "served in hand", "don't know": a menu answer is short
ANY_KEY = "0123456789*#"


@dataclass(frozen=True)
class Urls:
    """Where Twilio sends the next answer and the call recording's status."""

    action: str
    recording_callback: str


def render(reply: Reply, urls: Urls, speech: str) -> str:
    """The TwiML document for one reply."""
    response = VoiceResponse()
    if reply.start_recording:
        response.append(_start_recording(urls.recording_callback))
    if reply.dial or reply.hangup:
        _end(response, reply)
    elif reply.wait is not None and reply.wait.mode == "record":
        _say(response, reply.texts)
        response.record(
            action=urls.action,
            max_length=reply.wait.max_length,
            timeout=5,
            finish_on_key="#",
            play_beep=True,
            recording_status_callback=urls.recording_callback,
            recording_status_callback_event="completed",
        )
        response.redirect(urls.action)
    elif _vosk_docket(reply, speech):
        _vosk(response, reply, urls.action)
    elif _vosk_menu(reply, speech):
        _vosk_said_or_keyed(response, reply, urls.action)
    else:
        response.append(_gather(reply, urls.action, speech))
        response.redirect(urls.action)
    return str(response)


def hang_up() -> str:
    """<Response><Hangup/></Response>: a whole document, never a bare verb."""
    response = VoiceResponse()
    response.hangup()
    return str(response)


def pause() -> str:
    """<Response><Pause length="1"/></Response> (a retry arriving while its step is answered)."""
    response = VoiceResponse()
    response.pause(length=1)
    return str(response)


def unavailable(action: str) -> str:
    """The registry could not take the step: say so; a key (0 for the Registry Section) tries
    the same step again, silence ends the call politely."""
    response = VoiceResponse()
    gather = Gather(action=action, method="POST", num_digits=1, timeout=KEY_TIMEOUT)
    gather.say(prompts.UNAVAILABLE)
    response.append(gather)
    response.say(prompts.GOODBYE)
    response.hangup()
    return str(response)


def _start_recording(callback: str) -> Start:
    start = Start()
    start.recording(recording_status_callback=callback, recording_status_callback_event="completed")
    return start


def _end(response: VoiceResponse, reply: Reply) -> None:
    _say(response, reply.texts)
    if reply.dial:
        response.dial(reply.dial)
        response.say(prompts.AFTER_DIAL)
    response.hangup()


def _say(target: VoiceResponse | Gather, texts: tuple[str, ...]) -> None:
    for text in texts:
        target.say(text)


def _gather(reply: Reply, action: str, speech: str) -> Gather:
    wait = reply.wait or Wait()
    options: dict[str, object] = {"action": action, "method": "POST", "timeout": KEY_TIMEOUT}
    if wait.mode == "key":
        options["num_digits"] = 1
    else:
        options["finish_on_key"] = "#"
    if speech == "twilio" and wait.hints and not reply.keypad_only:
        options.update(
            input="dtmf speech",
            hints=", ".join(wait.hints),
            speech_model=SPEECH_MODEL,
            speech_timeout=SPEECH_TIMEOUT,
        )
    gather = Gather(**options)
    _say(gather, reply.texts)
    return gather


def _vosk_docket(reply: Reply, speech: str) -> bool:
    return (
        speech in LOCAL_ENGINES
        and not reply.keypad_only
        and reply.wait is not None
        and reply.wait.mode == "docket"
    )


def _vosk(response: VoiceResponse, reply: Reply, action: str) -> None:
    """Local speech: record the docket for the speech blueprint, which redirects back to us."""
    _say(response, reply.texts)
    response.record(
        action=Recorded(action, "docket").url(),
        max_length=8,
        timeout=2,
        trim="trim-silence",
        play_beep=False,
        finish_on_key="#",
    )
    response.redirect(Heard(vosk=TIMEOUT).onto(action))


def _vosk_menu(reply: Reply, speech: str) -> bool:
    return (
        speech in LOCAL_ENGINES
        and not reply.keypad_only
        and reply.wait is not None
        and reply.wait.mode == "key"
        and reply.wait.menu is not None
    )


def _vosk_said_or_keyed(response: VoiceResponse, reply: Reply, action: str) -> None:
    """A menu on local speech. A key pressed during the prompt (or a second after it) goes
    straight to the step, as on the keypad line; then a short recording for the menu's
    grammar, which any key also ends (that key is then the answer)."""
    assert reply.wait is not None and reply.wait.menu is not None
    gather = Gather(action=action, method="POST", num_digits=1, timeout=1)
    _say(gather, reply.texts)
    response.append(gather)
    response.record(
        action=Recorded(action, reply.wait.menu).url(),
        max_length=MENU_SECONDS,
        timeout=2,
        trim="trim-silence",
        play_beep=False,
        finish_on_key=ANY_KEY,
    )
    response.redirect(action)  # nothing said: the step hears nothing and asks again
