"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from 0-9 and A-Z without I, O, Z, S, V; the last is a check character over the first 17 with
weights 3^(i-1) mod 31.
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_well_formed(code: str) -> bool:
    return len(code) == 18 and all(c in ALPHABET for c in code)


def is_valid(code: str) -> bool:
    return is_well_formed(code) and check_character(code[:17]) == code[17]


def normalise(code: str) -> str:
    return (code or "").strip().upper().replace(" ", "")
