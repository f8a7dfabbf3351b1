"""The name's character pairs are costly to compute row by row: tell PostgreSQL so.

With the default cost of an SQL function (100), the planner would answer "2 characters, ordered by name,
first 100" by walking the name index and computing `liaison_short_grams(name)` for every row until 100
match: at 50,000 enterprises, for a pair whose names sort late, 29,737 rows and 1.5 s. Priced at 1000 it
reads the matches from the GIN index and sorts them instead (29 ms for 1,348 matches).
"""

from importlib import import_module

from django.db import migrations

PostgreSQLOnly = import_module("liaison.migrations.0002_enterprise_search_indexes").PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [("liaison", "0002_enterprise_search_indexes")]

    operations = [
        PostgreSQLOnly(
            sql="ALTER FUNCTION liaison_short_grams(text) COST 1000",
            reverse_sql="ALTER FUNCTION liaison_short_grams(text) COST 100",
        ),
    ]
