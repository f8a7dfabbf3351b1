"""Every page a role may open answers within 15 queries (issue 7: the ceiling at any city size).

Each row of the access matrix is opened by every role that may open it; the count is of the second request
(the first writes the session). The counts do not grow with the data: each app's tests check that with more
rows.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.matrix import ROLES
from tests.test_access_matrix import ROWS

CEILING = 15
PAGES = [row for row in ROWS if any(row.get[role] == 200 for role in ROLES)]


@pytest.mark.parametrize("row", PAGES, ids=[row.id for row in PAGES])
def test_a_page_answers_within_15_queries(row, world, client):
    query = row.query(world) if callable(row.query) else row.query
    url = reverse(row.name, args=row.args(world)) + (f"?{query}" if query else "")
    over = []
    for role in ROLES:
        if row.get[role] != 200 or role == "anonymous":
            continue
        client.force_login(world.user(role))
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # a streamed export reads its rows while it is sent
        if len(queries) > CEILING:
            over.append(f"{role} GET {url}: {len(queries)} queries")
    assert not over, "\n".join(over)
