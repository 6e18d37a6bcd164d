"""Domain errors: raised by services and selectors, turned into answers at the edges.

The DRF exception handler (``exception_handler.py``) and the consumer's error frames use
``code`` and ``status`` so that an API client and the page see the same words.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid"
    status = 400


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409

    def __init__(self, detail: str, *, code: str | None = None, existing_id: int | None = None) -> None:
        super().__init__(detail, code=code)
        self.existing_id = existing_id
