"""Deleting, at Twilio, a message that held a PIN (``responses`` stands in for Twilio)."""

from __future__ import annotations

import pytest
import requests
import responses

from core import jobs
from core.settings import Settings
from sms.jobs import delete_message
from tests.sms.conftest import Phone, new_sid

URL = "https://api.twilio.test/2010-04-01/Accounts/ACtest/Messages/{sid}.json"


@pytest.fixture()
def twilio(settings: Settings) -> Settings:
    return settings.but(twilio_api_base="https://api.twilio.test")


@responses.activate
def test_the_job_deletes_the_message_at_twilio_with_the_account_credentials(
    twilio: Settings,
) -> None:
    call = responses.delete(URL.format(sid="SM1"), status=204)
    delete_message("SM1", twilio)
    assert call.call_count == 1
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")


@responses.activate
def test_a_message_already_gone_counts_as_deleted(twilio: Settings) -> None:
    responses.delete(URL.format(sid="SM2"), status=404)
    delete_message("SM2", twilio)


@responses.activate
def test_a_twilio_failure_raises_so_the_queue_retries(twilio: Settings) -> None:
    responses.delete(URL.format(sid="SM3"), status=500)
    with pytest.raises(requests.HTTPError):
        delete_message("SM3", twilio)


def test_a_message_with_a_pin_queues_its_deletion_after_commit(
    toby: Phone, queue: jobs.InProcessQueue
) -> None:
    sid = new_sid()
    toby.send("PIN 246810", sid=sid)
    assert f"sms-delete-{sid}" in queue.ran


def test_a_message_without_a_pin_is_not_deleted(toby: Phone, queue: jobs.InProcessQueue) -> None:
    toby.send("HELP")
    assert not [job for job in queue.ran if job.startswith("sms-delete")]
