"""The one shape of "this field is wrong": what a marshal or staff gave cannot be taken."""

from __future__ import annotations


class FieldError(ValueError):
    """``field`` names what is wrong; ``message`` says so in words the person can act on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
