"""Mobile and landline numbers as Chinese offices write them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0 + 2–3 digits, then a 7–8 digit number, optional extension; or a short service number.
LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(\d{1,6})?$|^[1-9]\d{6,7}$")


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits.replace("转", "")


def is_mobile(value: str) -> bool:
    return bool(MOBILE.match(normalise_phone(value)))


def validate_mobile(value: str) -> None:
    if value and not is_mobile(value):
        raise ValidationError(_("Enter an 11-digit mobile number starting with 13–19."), code="mobile")


def validate_phone(value: str) -> None:
    """Contacts may give a mobile or a landline (with area code)."""
    if not value:
        return
    number = normalise_phone(value)
    if not (MOBILE.match(number) or LANDLINE.match(number)):
        raise ValidationError(
            _("Enter a mobile number (11 digits) or a landline with its area code, e.g. 0371-12345678."),
            code="phone",
        )
