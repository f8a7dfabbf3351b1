import pytest
from django.core.exceptions import ValidationError

from liaison.phones import is_mobile, validate_mobile, validate_phone


@pytest.mark.parametrize("number", ["13803710001", "+86 138-0371-0001", "0086 19912345678", "138 0371 0001"])
def test_mobile_numbers_after_stripping(number):
    assert is_mobile(number)


@pytest.mark.parametrize("number", ["12803710001", "1380371000", "138037100011", "abc"])
def test_not_mobile_numbers(number):
    assert not is_mobile(number)
    with pytest.raises(ValidationError):
        validate_mobile(number)


@pytest.mark.parametrize("number", ["0371-66880008", "(0371)66880008", "010 12345678", "13803710001"])
def test_landlines_and_mobiles_are_accepted_for_contacts(number):
    validate_phone(number)


@pytest.mark.parametrize("number", ["12345", "0371-123", "phone"])
def test_rubbish_is_refused_for_contacts(number):
    with pytest.raises(ValidationError):
        validate_phone(number)
