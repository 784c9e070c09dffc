"""Delivery of the state-file outbox: adapters, tracking, jobs, reports, commands."""
