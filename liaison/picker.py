"""Choosing one enterprise, person or plan task among a city's tens of thousands.

A district has a few hundred enterprises and about a hundred officers: a plain <select> lists them all. A
city has 50,000 enterprises and 3,000 officers, and a <select> of all of them is megabytes of HTML and
seconds of work on every form and filter that offers it. `SearchSelect` lists every choice while there are
at most `limit`; beyond that it shows a search box and only the chosen option, and the box asks
`pick_enterprises`, `pick_people` or `pick_plan_tasks` for the matches (htmx, no inline script), scoped to
the user exactly as the field's own choices are: a match outside the field's queryset is refused by the
form's usual validation. `SearchSelectMultiple` does the same for fields that take several.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import User
from liaison import access

MATCHES = 30  # options one search returns


def html_attrs(attrs: dict) -> str:
    """Attributes in the order and form of Django's widgets/attrs.html (flatatt sorts them)."""
    return format_html_join(
        "", " {}{}", ((k, "" if v is True else format_html('="{}"', str(v))) for k, v in attrs.items() if v is not False)
    )


class QuickSelect(forms.Select):
    """A <select> written directly, with the HTML of Django's own template.

    Django renders every <option> through a template (about 0.2 ms each): the 40 stations of a city made the
    filter form the costliest part of a list page. tests/enterprises/test_search.py holds the HTML equal.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Django's ChoiceWidget.optgroups, without the dictionary per option: one option is selected at most.
        chosen = set(self.format_value(value))
        selected = False

        def option(option_value, label):
            nonlocal selected
            mark = not selected and str(option_value) in chosen
            selected |= mark
            return f'<option value="{escape(option_value)}"{" selected" if mark else ""}>{conditional_escape(label)}</option>'

        html = [format_html('<select name="{}"{}>', name, html_attrs(self.build_attrs(self.attrs, attrs)))]
        for option_value, label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(label, (list, tuple)):
                html.append(format_html('<optgroup label="{}">', option_value))
                html.extend(option(sub_value, sub_label) for sub_value, sub_label in label)
                html.append("</optgroup>")
            else:
                html.append(option(option_value, label))
        html.append("</select>")
        return mark_safe("".join(html))


class QuickSelectFilters:
    """A FilterSet whose plain <select>s are written directly (QuickSelect): the same HTML, a fraction of the time."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "quick_selects", False):
            for field in form.fields.values():
                if type(field.widget) is forms.Select:
                    quick = QuickSelect(attrs=field.widget.attrs)
                    quick.choices = field.widget.choices
                    quick.is_required = field.widget.is_required
                    field.widget = quick
            form.quick_selects = True
        return form


class SearchSelect(forms.Widget):
    """A select of a ModelChoiceField that stays small however many choices the field has.

    Not a `forms.Select` on purpose: crispy-forms renders a Select's options itself, from every choice.
    """

    # A select longer than this is no longer readable on a phone, and costs more to build than a search box.
    limit = 100

    def __init__(self, source: str, attrs=None, params: dict | None = None):
        super().__init__(attrs)
        self.source = source  # URL name of the search view
        self.params = params or {}
        self.choices = []

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.choices = self.choices
        return copy

    def render(self, name, value, attrs=None, renderer=None):
        iterator = self.choices
        field = iterator.field
        queryset = iterator.queryset
        final = self.build_attrs(self.attrs, attrs)
        classes = ["form-select"] + (["is-invalid"] if "is-invalid" in final.get("class", "") else [])
        final["class"] = " ".join(classes)
        value = "" if value is None else str(value)
        empty = field.empty_label
        # One query: the rows come back only when there are few enough to list (a probe beyond the limit finds
        # nothing), so a long list costs no rows at all. No rows at all gets the search box, which finds none.
        beyond = queryset.order_by().values("pk")[self.limit : self.limit + 1]
        first = list(queryset.filter(~Exists(beyond))[: self.limit])
        if first:
            options = [(str(obj.pk), field.label_from_instance(obj)) for obj in first]
            return self._select(name, final, value, empty, options)
        chosen = []
        if value:
            obj = queryset.filter(pk=value).first() if value.isdigit() else None
            if obj is not None:
                chosen = [(str(obj.pk), field.label_from_instance(obj))]
        url = reverse(self.source)
        if self.params:
            url = f"{url}?{urlencode(self.params)}"
        search = format_html(
            '<input type="search" class="form-control form-control-sm mb-1" form="" name="term" autocomplete="off"'
            ' placeholder="{}" aria-label="{}" aria-controls="{}" hx-get="{}" hx-trigger="input changed delay:300ms, search"'
            ' hx-target="#{}" hx-swap="innerHTML">',
            _("Type to search…"), _("Search"), final.get("id", name), url, final.get("id", name),
        )
        return mark_safe(f'<div class="search-select">{search}{self._select(name, final, value, empty, chosen)}</div>')

    @staticmethod
    def _select(name, attrs, value, empty, options):
        html = [format_html('<select name="{}"{}>', name, forms.utils.flatatt(attrs))]
        if empty is not None:
            html.append(format_html('<option value=""{}>{}</option>', "" if value else mark_safe(" selected"), empty))
        html.append(format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((pk, mark_safe(" selected") if pk == value else "", label) for pk, label in options),
        ))
        html.append("</select>")
        return mark_safe("".join(html))


class SearchSelectMultiple(forms.Widget):
    """SearchSelect for a ModelMultipleChoiceField (officers present, attendees, enterprises of an activity),
    put in place by `searchable_multiple` only when the field has more than `limit` choices.

    A `<select multiple>` holds the chosen options and a search box adds matches to it (htmx, appended: what
    was chosen stays). Reading the submitted values is left to the field's own widget.
    """

    limit = SearchSelect.limit
    allow_multiple_selected = True

    def __init__(self, source: str, original: forms.Widget, params: dict | None = None):
        super().__init__(original.attrs)
        self.source, self.original, self.params = source, original, params or {}
        self.choices = []

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.original = self.original.__deepcopy__(memo)
        copy.choices = self.choices
        return copy

    def value_from_datadict(self, data, files, name):
        return self.original.value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return self.original.value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        return self.original.id_for_label(id_)

    def render(self, name, value, attrs=None, renderer=None):
        iterator = self.choices
        field, queryset = iterator.field, iterator.queryset
        final = self.build_attrs(self.attrs, attrs)
        final.update({"class": "form-select", "multiple": True, "size": final.get("size", 6)})
        chosen = [str(v) for v in (value or []) if str(v).isdigit()]
        selected = [(str(obj.pk), field.label_from_instance(obj)) for obj in queryset.filter(pk__in=chosen)] if chosen else []
        target = final.get("id", name)
        url = reverse(self.source) + "?" + urlencode({**self.params, "add": 1})
        search = format_html(
            '<input type="search" class="form-control form-control-sm mb-1" form="" name="term" autocomplete="off"'
            ' placeholder="{}" aria-label="{}" aria-controls="{}" hx-get="{}" hx-trigger="input changed delay:300ms, search"'
            ' hx-target="#{}" hx-swap="beforeend">',
            _("Type to add…"), _("Search"), target, url, target,
        )
        options = format_html_join("", '<option value="{}" selected>{}</option>', selected)
        select = format_html('<select name="{}"{}>{}</select>', name, forms.utils.flatatt(final), options)
        return mark_safe(f'<div class="search-select">{search}{select}</div>')


def searchable_multiple(field, source: str, **params) -> None:
    """Give a ModelMultipleChoiceField (its queryset already set) a SearchSelectMultiple asking `source` when it
    has more than `limit` choices (one short count); up to that its own widget lists them all, as before."""
    if field.queryset.order_by()[: SearchSelectMultiple.limit + 1].count() <= SearchSelectMultiple.limit:
        return
    widget = SearchSelectMultiple(source, field.widget, params=params)
    widget.is_required = field.required
    widget.choices = field.choices
    field.widget = widget


def searchable(field, source: str, **params) -> None:
    """Give a ModelChoiceField (its queryset already set) a SearchSelect asking `source` for matches."""
    widget = SearchSelect(source, attrs=field.widget.attrs, params=params)
    widget.is_required = field.required
    widget.choices = field.choices
    field.widget = widget


def enterprise_matches(user, term: str, params) -> list[tuple[int, str]]:
    from enterprises.filters import EnterpriseFilter
    from enterprises.models import Enterprise

    queryset = access.enterprises(user)
    if params.get("active"):
        queryset = queryset.filter(status=Enterprise.Status.ACTIVE)
    if params.get("stores"):
        queryset = queryset.filter(storage_capacity__isnull=False)
    queryset = EnterpriseFilter(queryset=queryset).search(queryset, "q", term)
    return [(obj.pk, obj.name) for obj in queryset.only("pk", "name").order_by("name", "pk")[:MATCHES]]


def people_matches(user, term: str, params) -> list[tuple[int, str]]:
    queryset = access.colleagues(user).filter(
        Q(name__icontains=term) | Q(username__istartswith=term) | Q(badge_number__istartswith=term) | Q(unit__name__icontains=term)
    )
    if params.get("workers"):  # the people who may own work: no leaders
        queryset = queryset.exclude(role=User.Role.LEADER)
    return [(u.pk, f"{u.name}（{u.unit}）" if u.unit_id else u.name) for u in queryset.order_by("name", "pk")[:MATCHES]]


def plan_task_matches(user, term: str, params) -> list[tuple[int, str]]:
    """Open tasks of approved plans the user may see, by task title or enterprise name (a meeting's decision)."""
    from enterprises.models import PlanTask

    queryset = (
        open_plan_tasks(access.scope(user, PlanTask))
        .filter(Q(title__icontains=term) | Q(plan__enterprise__name__icontains=term))
        .order_by("plan__enterprise__name", "deadline", "pk")
    )
    return [(task.pk, plan_task_label(task)) for task in queryset[:MATCHES]]


def open_plan_tasks(queryset):
    from enterprises.models import Plan

    return queryset.filter(plan__status=Plan.Status.APPROVED, done_at__isnull=True).select_related("plan__enterprise")


def plan_task_label(task) -> str:
    return f"{task.plan.enterprise.name}：{task.title}"


def _pick(request, matches):
    if not access.can(request.user, "liaison.use"):
        raise PermissionDenied
    term = request.GET.get("term", "").strip()[:50]
    rows = matches(request.user, term, request.GET) if term else []
    # `add`: the matches are appended to a multiple select beside what was chosen, so no heading option.
    return render(request, "liaison/pick_options.html", {"rows": rows, "term": term, "add": bool(request.GET.get("add"))})


@require_safe
def pick_enterprises(request):
    """Options of the enterprises in the user's scope whose name or credit code matches `term`."""
    return _pick(request, enterprise_matches)


@require_safe
def pick_plan_tasks(request):
    """Options of the open plan tasks in the user's scope whose title or enterprise matches `term`."""
    return _pick(request, plan_task_matches)


@require_safe
def pick_people(request):
    """Options of the colleagues the user may name whose name, account, badge or unit matches `term`."""
    return _pick(request, people_matches)
