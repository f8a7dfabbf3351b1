"""The generic views every app's pages are built on: scoped list, detail, form and transition views.

Scope and permission come from `liaison.access`: an object outside the user's scope is a 404, an action the
user may not take is a 403. Writes are atomic, checked against the writer's scope after saving, and guarded
against double submits by a one-time form token.
"""

from __future__ import annotations

import tempfile
import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View
from django.views.generic.edit import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.rows import BoundRows
from openpyxl import Workbook
from openpyxl.styles import Font

from liaison import access, citywide
from liaison.models import SubmitToken

TOKEN_FIELD = "_submit_token"


def error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for msgs in error.message_dict.values() for m in msgs]
    return list(error.messages)


class ScopedMixin:
    """Rows from the user's scope; the view's permission checked before anything else."""

    model = None
    permission = "liaison.use"

    def scoped_queryset(self):
        return access.scope(self.request.user, self.model)

    def get_queryset(self):
        return self.scoped_queryset()

    def check_permission(self, obj=None):
        if not access.can(self.request.user, self.permission, obj):
            raise PermissionDenied

    def refuse_early(self, request):
        """Method first (405), then whether the user works the programme at all (403)."""
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            return self.http_method_not_allowed(request)
        if not access.can(request.user, "liaison.use"):
            raise PermissionDenied
        return None

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)


class KeptCountPaginator(Paginator):
    """The table's paginator, with the rows' count kept until the records change (liaison.citywide): at city
    scale the COUNT of an unfiltered list is most of its SQL."""

    @cached_property
    def count(self):
        queryset = getattr(getattr(self.object_list, "data", None), "data", None)  # BoundRows → TableData → rows
        if isinstance(queryset, QuerySet) and citywide.enabled():
            return citywide.count(queryset)
        return super().count


class KeptOrderPaginator(KeptCountPaginator):
    """Also keeps which rows make each page (liaison.citywide.page_keys), for a list whose order is a figure
    computed for every row of the city; the page's rows are then read by their keys."""

    def page(self, number):
        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if not (isinstance(queryset, QuerySet) and citywide.enabled()):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = citywide.page_keys(queryset, bottom, top)
        found = queryset.order_by().in_bulk(keys)
        records = [found[key] for key in keys if key in found]
        return self._get_page(BoundRows(data=records, table=rows.table, pinned_data=rows.pinned_data), number, self)


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    """A sortable, paginated, filterable table; `?export=xlsx` downloads the filtered rows."""

    paginate_by = 25
    paginator_class = KeptCountPaginator
    export_permission = None
    export_filename = "export"
    template_name_suffix = "_list"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            if self.export_permission and not access.can(request.user, self.export_permission):
                raise PermissionDenied
            return self.export_xlsx()
        return super().get(request, *args, **kwargs)

    def get_export_table(self):
        filterset = self.get_filterset(self.get_filterset_class())
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return self.get_table_class()(queryset, exclude=getattr(self, "export_exclude", ()))

    def export_xlsx(self):
        table = self.get_export_table()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.export_filename)[:31])
        for index, row in enumerate(table.as_values()):
            if index == 0:
                from openpyxl.cell import WriteOnlyCell

                header = []
                for value in row:
                    cell = WriteOnlyCell(sheet, value=str(value))
                    cell.font = Font(bold=True)
                    header.append(cell)
                sheet.append(header)
            else:
                sheet.append([v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
        handle = tempfile.TemporaryFile()
        workbook.save(handle)
        handle.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{self.export_filename}-{stamp}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def paginate_queryset(self, queryset, page_size):
        # Only the table paginates (one COUNT): ListView's own paginator would count the same rows again.
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_without_page"] = self._query_without("page")
        return context

    def _query_without(self, key):
        query = self.request.GET.copy()
        query.pop(key, None)
        return query.urlencode()


class ObjectDetailView(ScopedMixin, DetailView):
    def get_object(self, queryset=None):
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_permission(obj)
        return obj


class OneTimeSubmitMixin:
    """Refuses a second submit of the same rendered form: it leads to the record the first one made."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["submit_token"] = uuid.uuid4().hex
        return context

    def post(self, request, *args, **kwargs):
        # A repeat of a form that already went through leads to its result, before any validation runs
        # (a re-validated repeat would only report "already exists").
        token = request.POST.get(TOKEN_FIELD, "")[:64]
        if token and SubmitToken.objects.filter(token=token, user=request.user).exclude(result_url="").exists():
            return self.already_submitted()
        return super().post(request, *args, **kwargs)

    def claim_token(self):
        token = self.request.POST.get(TOKEN_FIELD, "")[:64]
        if not token:
            return None
        try:
            with transaction.atomic():
                return SubmitToken.objects.create(token=token, user=self.request.user)
        except IntegrityError:
            return False

    def already_submitted(self):
        token = SubmitToken.objects.filter(token=self.request.POST.get(TOKEN_FIELD, "")[:64], user=self.request.user).first()
        messages.info(self.request, _("This form was already submitted; it was saved once."))
        return HttpResponseRedirect(token.result_url if token and token.result_url else self.request.path)


class ObjectFormView(OneTimeSubmitMixin, ScopedMixin):
    """Create or edit one object: atomic, audited, and still inside the writer's scope afterwards."""

    template_name_suffix = "_form"
    success_message = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def save(self, form):
        """Write the object; apps override this to call their service."""
        obj = form.save(commit=False)
        if not obj.pk and hasattr(obj, "created_by_id"):
            obj.created_by = self.request.user
        obj.full_clean()
        obj.save()
        form.save_m2m()
        return obj

    def form_valid(self, form):
        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    # Nothing was written (the refused token was its own savepoint): lead to the first result.
                    return self.already_submitted()
                self.object = self.save(form)
                if not self.scoped_queryset().filter(pk=self.object.pk).exists():
                    # The write would move the record out of the writer's own reach: refuse it whole.
                    raise PermissionDenied
                if token:
                    token.result_url = self.get_success_url()
                    token.save(update_fields=["result_url"])
        except ValidationError as error:
            for field, msgs in getattr(error, "message_dict", {None: error.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectCreateView(ObjectFormView, CreateView):
    pass


class ObjectEditView(ObjectFormView, UpdateView):
    def get_object(self, queryset=None):
        obj = get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])
        self.check_permission(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        # The permission of an edit depends on the object: checked in get_object.
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        return super(ScopedMixin, self).dispatch(request, *args, **kwargs)


class TransitionView(ScopedMixin, View):
    """A POST-only action on one object that calls one service function."""

    http_method_names = ["post"]
    form_class = None
    success_message = None

    def get_object(self):
        obj = get_object_or_404(self.scoped_queryset(), pk=self.kwargs["pk"])
        self.check_permission(obj)
        return obj

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        return View.dispatch(self, request, *args, **kwargs)

    def perform(self, obj, data):
        raise NotImplementedError

    def redirect_url(self, obj):
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        data = None
        if self.form_class is not None:
            form = self.form_class(request.POST, request.FILES, user=request.user, instance_for=obj)
            if not form.is_valid():
                for msgs in form.errors.values():
                    for msg in msgs:
                        messages.error(request, msg)
                return HttpResponseRedirect(self.redirect_url(obj))
            data = form.cleaned_data
        try:
            self.perform(obj, data)
        except ValidationError as error:
            for msg in error_messages(error):
                messages.error(request, msg)
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.redirect_url(obj))
