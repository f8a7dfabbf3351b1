"""Indexes that serve the enterprise search at city scale (PostgreSQL only; SQLite scans, which is fine there).

They live in the liaison app so that the enterprises app's own migrations stay its own.
- A trigram GIN index on UPPER(name): the list's name search is Django's `icontains`, which PostgreSQL runs
  as `UPPER(name::text) LIKE UPPER('%term%')`; the index answers it for terms of three characters or more.
- Terms of one or two characters have no trigram (Chinese names are often searched by two: 物流, 恒达): a GIN
  index on the name's characters and character pairs (`liaison_short_grams`) answers them exactly, through
  `liaison_short_grams(name) @> ARRAY['TERM']` (enterprises.filters.EnterpriseFilter.search).
- Credit-code prefixes (`credit_code LIKE 'term%'`) are already served by the `varchar_pattern_ops` index
  Django creates beside the unique constraint.
"""

from django.db import migrations


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("liaison", "0001_initial"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        PostgreSQLOnly(
            sql="CREATE EXTENSION IF NOT EXISTS pg_trgm",
            # Other objects may come to depend on the extension: leave it installed.
            reverse_sql=migrations.RunSQL.noop,
        ),
        PostgreSQLOnly(
            sql=(
                "CREATE INDEX IF NOT EXISTS enterprise_name_upper_trgm "
                "ON enterprises_enterprise USING gin ((UPPER(name::text)) gin_trgm_ops)"
            ),
            reverse_sql="DROP INDEX IF EXISTS enterprise_name_upper_trgm",
        ),
        PostgreSQLOnly(
            sql="""
                CREATE OR REPLACE FUNCTION liaison_short_grams(value text) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                    SELECT array(
                        SELECT substr(upper(value), i, n)
                        FROM generate_series(1, char_length(value)) AS i, (VALUES (1), (2)) AS len(n)
                        WHERE i + n - 1 <= char_length(value)
                    )
                $$
            """,
            reverse_sql="DROP FUNCTION IF EXISTS liaison_short_grams(text)",
        ),
        PostgreSQLOnly(
            sql=(
                "CREATE INDEX IF NOT EXISTS enterprise_name_short_grams "
                "ON enterprises_enterprise USING gin (liaison_short_grams(name::text))"
            ),
            reverse_sql="DROP INDEX IF EXISTS enterprise_name_short_grams",
        ),
    ]
