import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import raises_rule
from trainees.identity import (
    id_check_char,
    id_number_birth_date,
    id_number_gender,
    id_number_mask,
    id_number_validate,
    mobile_validate,
)

TODAY = dt.date(2026, 11, 27)
births = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2008, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
regions = st.sampled_from(["310105", "310104", "320102", "110101", "440305"])


def build(region: str, birth: dt.date, seq: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def test_known_valid_number():
    # The standard's worked example: 11010519491231002X.
    assert id_number_validate("11010519491231002x", today=TODAY) == "11010519491231002X"


@given(regions, births, sequences)
def test_every_well_formed_number_validates_and_decodes(region, birth, seq):
    number = build(region, birth, seq)
    assert id_number_validate(number, today=TODAY) == number
    assert id_number_birth_date(number) == birth
    assert id_number_gender(number) == ("M" if seq % 2 else "F")


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_refused(region, birth, seq, wrong):
    number = build(region, birth, seq)
    if wrong == number[-1]:
        return
    with raises_rule(code="id_check_char", message=f"最后一位应为 {number[-1]}"):
        id_number_validate(number[:17] + wrong, today=TODAY)


@given(regions, births, sequences)
def test_full_width_digits_lowercase_x_and_spaces_are_normalised(region, birth, seq):
    number = build(region, birth, seq)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    spaced = f" {full_width[:6]} {full_width[6:14]} {full_width[14:]} "
    assert id_number_validate(spaced, today=TODAY) == number


@given(st.text(max_size=30))
def test_any_text_is_either_valid_or_a_validation_error(text):
    try:
        result = id_number_validate(text, today=TODAY)
    except ValidationError as exc:
        assert exc.messages and all(msg.strip() for msg in exc.messages)
    else:
        assert len(result) == 18


def test_impossible_birth_date_is_refused_with_the_digits():
    first17 = "31010519850230123"  # 30 February
    with raises_rule(code="id_birth_date", message="19850230"):
        id_number_validate(first17 + id_check_char(first17), today=TODAY)


def test_future_birth_date_is_refused():
    first17 = "31010520300101123"
    with raises_rule(code="id_birth_date", message="20300101"):
        id_number_validate(first17 + id_check_char(first17), today=TODAY)


@pytest.mark.parametrize("value", ["31010519850302123", "3101051985030212345", ""])
def test_wrong_length_names_the_length(value):
    with raises_rule(code="id_length", message=f"当前为{len(value)}位"):
        id_number_validate(value, today=TODAY)


def test_number_stored_as_a_spreadsheet_number_is_read():
    number = next(
        n
        for seq in range(100)
        if not (n := build("310105", dt.date(1985, 3, 2), seq)).endswith("X")
    )
    assert id_number_validate(int(number), today=TODAY) == number
    # Excel keeps 15 significant digits: a number it rounded must not pass as valid (its last
    # digits are float noise, so the check character gives it away).
    with raises_rule(code="id_check_char"):
        id_number_validate(float(number[:15] + "000"), today=TODAY)


def test_mask_keeps_the_last_four_only():
    # Issue 15: the region code was kept too, and beside the birth date (digits 7–14) that
    # gave the whole number back. Four characters of 18 identify no one.
    assert id_number_mask("31010519850302123X") == "**************123X"
    assert id_number_mask("310105850302123") == "***********2123"  # a 15-digit (pre-1999) one
    assert id_number_mask("123") == "***"


@given(st.from_regex(r"\A\d{17}[\dX]\Z"))
def test_a_masked_number_shows_no_more_than_its_tail(number):
    masked = id_number_mask(number)
    assert len(masked) == 18 and masked[-4:] == number[-4:]
    assert sum(c.isdigit() for c in masked) <= 4


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("13912345678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_mobile_accepts_common_forms(raw, expected):
    assert mobile_validate(raw) == expected


@pytest.mark.parametrize("raw", ["1391234567", "23912345678", "139123456789", "phone"])
def test_mobile_refuses_wrong_numbers(raw):
    with raises_rule(code="mobile_invalid", message="手机号应为以1开头的11位数字"):
        mobile_validate(raw)
