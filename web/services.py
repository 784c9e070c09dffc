"""The composition root's parts list: which modules define tables, which functions are jobs, and
how one process's services are built from its checked settings (``create_app``, the worker and
the CLI each build them once). The channels are imported when the services are built, not when
Alembic reads the list of model modules."""

from __future__ import annotations

from functools import partial

from core import outbox, priority
from core.db import Database, load_models
from core.jobs import InProcessQueue, JobTable
from core.mail import mailer_for
from core.services import Clock, JobQueue, Services, Sessions, TwilioAccount, system_clock
from core.settings import Settings

# Every module that defines tables (migrations and tests load them all).
MODEL_MODULES = (
    "core.models",
    "sms.models",
    "web.models",
    "edge.models",
    "speech.models",
    "core.state_file",
    "core.reminders",
)


def load_all_models() -> None:
    """Base.metadata with the whole schema."""
    load_models(MODEL_MODULES)


def job_table() -> JobTable:
    """Every job a ServeLine process runs, under the names the core and the channels queue."""
    from fax import jobs as fax_jobs
    from ivr import jobs as ivr_jobs
    from sms import jobs as sms_jobs
    from sms import outbound, reminders
    from speech import jobs as speech_jobs
    from statefile import jobs as state_file_jobs
    from web import mails

    return JobTable(
        [
            outbox.sweep_job,
            priority.firearms_alert,
            fax_jobs.send_notification,
            fax_jobs.send_notifications,
            fax_jobs.reconcile,
            fax_jobs.alert_registry,
            state_file_jobs.send_message,
            state_file_jobs.sweep_answers,
            state_file_jobs.alert_registry,
            ivr_jobs.fetch_recording,
            ivr_jobs.fetch_comment,
            ivr_jobs.requeue_stuck_fetches,
            speech_jobs.recognise,
            speech_jobs.forget_recording,
            speech_jobs.transcribe_call,
            speech_jobs.transcribe_comment,
            sms_jobs.delete_message,
            outbound.send_text,
            reminders.tick,
            mails.mail_reset_link,
            mails.mail_initial_password,
        ]
    )


def queue_for(settings: Settings, table: JobTable) -> JobQueue:
    """RQ when REDIS_URL is set, otherwise jobs run in this process after commit."""
    if not settings.redis_url:
        return InProcessQueue(table)
    from web.queue import RQQueue

    return RQQueue(settings.redis_url, table)


def build(
    settings: Settings,
    *,
    database: Sessions | None = None,
    queue: JobQueue | None = None,
    clock: Clock = system_clock,
) -> Services:
    """The services for these settings; a test passes its own database, queue or clock."""
    from fax.providers import provider_for as fax_provider
    from sms.outbound import sender_for
    from speech.engine import for_settings
    from statefile.providers import provider_for as state_file_provider

    return Services(
        settings=settings,
        database=database or Database.connect(settings.database_url, pool_pre_ping=True),
        queue=queue or queue_for(settings, job_table()),
        mailer=mailer_for(settings),
        fax=fax_provider(settings),
        state_file=state_file_provider(settings),
        sms=sender_for(settings),
        twilio=TwilioAccount.of(settings),
        recogniser=partial(for_settings, settings),
        clock=clock,
    )


def reconfigured(services: Services, settings: Settings) -> Services:
    """The same database, queue and clock with other settings (and what they choose)."""
    return build(settings, database=services.database, queue=services.queue, clock=services.clock)
