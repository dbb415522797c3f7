"""`raises_rule` (tests/helpers.py) passes only for the rule it names."""

import pytest
from django.core.exceptions import ValidationError

from tests.helpers import fired_rules, raises_rule


def _refuse_per_field() -> None:
    raise ValidationError(
        {
            "date": ValidationError("督导日期不能晚于今天。", code="future_date"),
            "scores": ["还缺 %(n)d 项。"],
        }
    )


def _refuse_whole() -> None:
    raise ValidationError("%(name)s 已经报名。", code="enrolled", params={"name": "陆晓燕"})


def test_the_named_rule_passes():
    with raises_rule(field="date", code="future_date", message="不能晚于今天"):
        _refuse_per_field()
    with raises_rule(field="scores", message="还缺"):
        _refuse_per_field()
    with raises_rule(code="enrolled", message="陆晓燕 已经报名") as exc_info:
        _refuse_whole()
    assert exc_info.value.code == "enrolled"


@pytest.mark.parametrize(
    "expected",
    [
        {"code": "month_locked"},
        {"message": "已锁定"},
        {"field": "scores", "code": "future_date"},
        {"field": "end_time", "message": "不能晚于今天"},
    ],
)
def test_another_rule_fails_the_test(expected):
    with pytest.raises(pytest.fail.Exception, match="expected the rule"), raises_rule(**expected):
        _refuse_per_field()


def test_a_field_is_not_found_in_an_error_without_fields():
    with pytest.raises(pytest.fail.Exception), raises_rule(field="name", code="enrolled"):
        _refuse_whole()


def test_no_error_fails_and_a_rule_must_be_named():
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"), raises_rule(code="x"):
        pass
    with pytest.raises(TypeError), raises_rule(field="date"):
        _refuse_per_field()


def test_fired_rules_lists_field_code_and_message():
    with pytest.raises(ValidationError) as exc_info:
        _refuse_whole()
    assert fired_rules(exc_info.value) == [(None, "enrolled", "陆晓燕 已经报名。")]
