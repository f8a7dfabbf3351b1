"""Big tables written directly: the rows of a page and the rows of an export, without a cell-by-cell render.

django-tables2 renders every cell through signature introspection and a template (about 1.7 ms a row: 170 ms
for a page of 100, several times the Django admin), and its `as_values()` loads every row of an export into
memory. A table that can be long (the enterprise list, the ledger, the visit log, plans and their tasks, the
coverage report) mixes in `WrittenRows` and says how each column is written:

- `cell_writers()`: column name → function(record) giving the cell's HTML (escaped by the writer);
- `value_writers()`: column name → function(record) giving the export value.

The table keeps django-tables2's header, sorting and pagination (`Meta.template_name = TEMPLATE` only replaces
`<tbody>`). A column without a writer falls back to django-tables2's own cell. Tests hold the written
rows equal to django-tables2's (tests/liaison/test_written_rows.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRow
from django_tables2.utils import AttributeDict

EXPORT_CHUNK = 2000


def esc(value) -> str:
    """HTML-escaped text of a value (plain `html.escape`: the row is marked safe as a whole)."""
    return escape(str(value))


def labels(choices) -> dict[str, str]:
    """A choices' labels translated once per page (escaped), not once per cell."""
    return {value: esc(label) for value, label in choices}


def url_writer(viewname: str) -> Callable[[int], str]:
    """pk → escaped URL of a detail page, reversing once per page instead of once per row."""
    marker = "987654321"
    template = esc(reverse(viewname, args=[marker]))
    return lambda pk: template.replace(marker, str(pk))


# The table template of a WrittenRows table (its Meta.template_name): django-tables2's, with this <tbody>.
TEMPLATE = "liaison/written_table.html"


class WrittenRows:
    def cell_writers(self) -> dict[str, Callable]:
        return {}

    def value_writers(self) -> dict[str, Callable]:
        return {}

    def row_extra_attrs(self, record) -> str:
        """Attributes of a row beyond its even/odd class (already escaped), e.g. ` data-light="red"`."""
        return ""

    def body_rows(self):
        """The current page's rows as HTML."""
        writers = self.cell_writers()
        columns = []
        for column in self.columns:
            attrs = {k: v for k, v in column.attrs.get("td", {}).items() if not callable(v)}
            td_attrs = AttributeDict(attrs).as_html()
            opening = f"<td {td_attrs}>" if td_attrs else "<td>"
            columns.append((column.name, writers.get(column.name), opening))
        html = []
        for index, row in enumerate(self.paginated_rows):
            record = row.record
            cells = "".join(
                f"{opening}{writer(record) if writer else conditional_escape(row.get_cell(name))}</td>"
                for name, writer, opening in columns
            )
            html.append(f'<tr class="{"odd" if index % 2 else "even"}"{self.row_extra_attrs(record)}>{cells}</tr>')
        if not html and self.empty_text:
            html.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), self.empty_text))
        return mark_safe("".join(html))

    def as_values(self, exclude_columns=None) -> Iterator[list]:
        """The export's rows (header first), streamed from the database in chunks."""
        exclude_columns = exclude_columns or ()
        columns = [c for c in self.columns.iterall() if not (c.column.exclude_from_export or c.name in exclude_columns)]
        yield [force_str(column.header, strings_only=True) for column in columns]
        writers = self.value_writers()
        data = self.data.data
        records = data.iterator(chunk_size=EXPORT_CHUNK) if isinstance(data, QuerySet) else data
        for record in records:
            row = None
            values = []
            for column in columns:
                writer = writers.get(column.name)
                if writer is None:
                    row = row or BoundRow(record, table=self)
                    values.append(row.get_cell_value(column.name))
                else:
                    values.append(writer(record))
            yield [force_str(value, strings_only=True) for value in values]
