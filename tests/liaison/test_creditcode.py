import pytest

from liaison import creditcode
from tests.factories import valid_credit_code


def test_reference_code_is_valid():
    assert creditcode.is_valid("91350100M000100Y43")


def test_wrong_check_character_is_invalid():
    assert not creditcode.is_valid("91350100M000100Y4Z")


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43", "91350100m000100y43"])
def test_malformed_codes_are_not_well_formed(code):
    assert not creditcode.is_well_formed(code)


def test_normalise_uppercases_and_strips():
    assert creditcode.normalise(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_check_character_matches_generated_codes():
    for n in range(200):
        code = valid_credit_code(n)
        assert creditcode.is_valid(code), code
        # Changing any one of the first 17 characters breaks the check (31 is prime).
        position = n % 17
        other = "1" if code[position] != "1" else "2"
        assert not creditcode.is_valid(code[:position] + other + code[position + 1 :])
