"""The access matrix's vocabulary: every URL × every role × GET/POST, against an explicit expected table.

Each app lists its URLs in `tests/<app>/access_rows.py` as `ROWS`. A URL name of the project that no row
names fails the matrix test, so a new page cannot ship without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = ("anonymous", "leader", "coordinator", "team", "legal", "officer", "outsider", "auditor")
STAFF = ("leader", "coordinator", "team", "legal", "officer", "outsider")
LOGIN = 302  # anonymous users are sent to the sign-in page


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per role: `default` for every signed-in role unless overridden; anonymous → 302."""
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = LOGIN
    table.update(overrides)
    return table


def everyone_but_auditor(code: int = 200, **overrides: int) -> dict[str, int]:
    return expect(code, **{"auditor": 403, **overrides})


def post_only(allowed: dict[str, int], others: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """(get, post) of a POST-only action: GET is 405 for everyone signed in."""
    return expect(405), expect(403, **{**others, **allowed})


def only(allowed: dict[str, int], others: int = 403, **overrides: int) -> dict[str, int]:
    table = expect(others, **overrides)
    table.update(allowed)
    return table


# The world (tests/conftest.py): station A is the officer's and the team's (the team answers for it);
# enterprise_a is in station A and assigned to the officer; enterprise_b is in station B (the outsider's).
IN_SCOPE_A = {"leader": 200, "coordinator": 200, "team": 200, "legal": 404, "officer": 200, "outsider": 404}
IN_SCOPE_B = {"leader": 200, "coordinator": 200, "team": 404, "legal": 404, "officer": 404, "outsider": 200}


@dataclass
class Row:
    name: str
    get: dict[str, int]
    post: dict[str, int] | None = None  # None: the page takes no POST (405 for signed-in users)
    args: Callable = field(default=lambda world: [])
    query: str | Callable = ""  # or world → query string, for objects made in the world
    data: Callable | None = None  # POST data builder (world → dict); default: empty form
    label: str = ""

    def __post_init__(self):
        # The method is checked first: a page that takes no POST answers 405 to every signed-in user.
        if self.post is None:
            self.post = expect(405)

    @property
    def id(self):
        return f"{self.name}{'[' + self.label + ']' if self.label else ''}"
