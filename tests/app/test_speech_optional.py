"""Local speech is an extra: without vosk and numpy installed, the web process starts and takes a
call when speech is Twilio's (or off), and a production start with IVR_SPEECH=vosk says what to
install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Run in a fresh interpreter where importing vosk or numpy fails, as without the extra.
WITHOUT_SPEECH = """
import importlib.abc, sys
class NoSpeech(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("vosk", "numpy"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, NoSpeech())
"""
TAKE_A_CALL = """
from core.settings import load_checked
from web.app import create_app
from web.migrate import upgrade
from edge.signature import sign
settings = load_checked()
upgrade(settings.database_url)
client = create_app(settings).test_client()
form = {"CallSid": "CA" + "5e" * 16, "From": "+18605550190", "To": "+18005550100",
        "AccountSid": settings.twilio_account_sid}
url = "https://serveline.test/ivr/voice"
answer = client.post("/ivr/voice", data=form, base_url="https://serveline.test",
                     headers={"X-Twilio-Signature": sign(url, form, settings.twilio_auth_token)})
assert answer.status_code == 200 and b"<Response>" in answer.data, answer.data
assert client.get("/healthz").status_code == 200
print("loaded:", sorted(m for m in ("vosk", "numpy") if m in sys.modules))
"""


def python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environ.update(INSTANCE_DIR=str(tmp_path), PUBLIC_BASE_URL="https://serveline.test", **env)
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120
    )


def test_without_the_speech_extra_the_web_process_takes_a_call(tmp_path: Path) -> None:
    done = python(
        WITHOUT_SPEECH + TAKE_A_CALL, tmp_path, SERVELINE_ENV="development", IVR_SPEECH="twilio"
    )
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


def test_local_speech_without_the_extra_is_refused_with_what_to_install(tmp_path: Path) -> None:
    done = python(
        WITHOUT_SPEECH + "from web.app import create_app; create_app()",
        tmp_path,
        SERVELINE_ENV="development",
        IVR_SPEECH="vosk",
    )
    assert done.returncode != 0
    assert done.stderr.strip() == (
        "ServeLine cannot start: IVR_SPEECH=vosk needs the speech "
        "extra: pip install 'serveline[speech]'"
    )
