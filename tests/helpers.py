"""Assertions shared by the tests of several apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError


def fired_rules(error: ValidationError) -> list[tuple[str | None, str | None, str]]:
    """Every rule a ValidationError reports, as (field, code, message as the user reads it);
    field is None for an error not attached to a field."""
    if hasattr(error, "error_dict"):
        leaves = [(key, leaf) for key, errors in error.error_dict.items() for leaf in errors]
    else:
        leaves = [(None, leaf) for leaf in error.error_list]
    fired = []
    for key, leaf in leaves:
        message = leaf.message
        if leaf.params:
            message %= leaf.params
        fired.append((key, leaf.code, str(message)))
    return fired


@contextmanager
def raises_rule(
    *, code: str | None = None, message: str | None = None, field: str | None = None
) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """Expect a ValidationError, and that the rule it reports is this one: an error with this
    `code` and/or containing this `message` text, attached to `field` when one is given.

    A bare `pytest.raises(ValidationError)` passes whichever rule refused, including one the
    test did not mean (a fixture's date in a locked month, a typo in the input), so every
    expected refusal names its rule. Other rules may fire alongside it.
    """
    if code is None and message is None:
        raise TypeError("raises_rule: name the rule that should fire (code or message)")
    with pytest.raises(ValidationError) as exc_info:
        yield exc_info
    fired = fired_rules(exc_info.value)
    for key, fired_code, text in fired:
        if field is not None and key != field:
            continue
        if code is not None and fired_code != code:
            continue
        if message is not None and message not in text:
            continue
        return
    expected = ", ".join(
        f"{name}={value!r}"
        for name, value in (("field", field), ("code", code), ("message", message))
        if value is not None
    )
    pytest.fail(f"expected the rule {expected}; the ValidationError reported {fired!r}")
