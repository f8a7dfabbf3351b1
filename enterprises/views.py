from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from enterprises import services
from enterprises.filters import EnterpriseFilter
from enterprises.forms import AssignmentEndForm, AssignmentForm, EnterpriseContactForm, EnterpriseForm
from enterprises.models import Assignment, Enterprise
from enterprises.tables import EnterpriseTable
from liaison import access
from liaison.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    OneTimeSubmitMixin,
    ScopedMixin,
    TransitionView,
)


def with_community_officer(queryset):
    # At most one row (a unique constraint): no ordering, which would otherwise join the enterprise to sort by name.
    current = Assignment.objects.filter(
        enterprise=OuterRef("pk"), kind=Assignment.Kind.OFFICER, ended_on__isnull=True
    ).order_by().values("officer__name")[:1]
    return queryset.select_related("station").annotate(community_officer=Subquery(current))


class EnterpriseListView(ObjectListView):
    model = Enterprise
    permission = "enterprises.view"
    export_permission = "enterprises.export"
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    export_filename = _("enterprises")
    # Only the table paginates: ListView's own pagination of the same rows would run a second COUNT.
    paginate_by = None
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return with_community_officer(super().get_queryset())


class EnterpriseDetailView(ObjectDetailView):
    model = Enterprise
    permission = "enterprises.view"

    def get_queryset(self):
        assignments = Assignment.objects.select_related("officer__unit", "team").order_by("-ended_on", "kind", "-started_on")
        return super().get_queryset().select_related("station", "created_by").prefetch_related(
            Prefetch("assignments", queryset=assignments)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = list(self.object.assignments.all())
        context.update(
            current_assignments=[a for a in assignments if a.is_current],
            past_assignments=[a for a in assignments if not a.is_current],
            may_edit=access.can(user, "enterprises.edit", self.object),
            may_edit_contact=access.can(user, "enterprises.edit_contact", self.object),
            may_assign=access.can(user, "enterprises.manage_assignments", self.object),
        )
        return context


class EnterpriseCreateView(ObjectCreateView):
    model = Enterprise
    form_class = EnterpriseForm
    permission = "enterprises.add"
    success_message = _("Enterprise saved.")

    def save(self, form):
        return services.enterprise_save(enterprise=form.instance, actor=self.request.user)


class EnterpriseEditView(ObjectEditView):
    model = Enterprise
    form_class = EnterpriseForm
    permission = "enterprises.edit"
    success_message = _("Enterprise saved.")

    def save(self, form):
        return services.enterprise_save(enterprise=form.instance, actor=self.request.user)


class EnterpriseContactEditView(EnterpriseEditView):
    form_class = EnterpriseContactForm
    permission = "enterprises.edit_contact"
    template_name = "enterprises/enterprise_contact_form.html"
    success_message = _("Contact details saved.")


class EnterpriseCloseView(TransitionView):
    model = Enterprise
    permission = "enterprises.edit"
    success_message = _("The enterprise is marked closed; its file is kept.")

    def perform(self, obj, data):
        services.enterprise_close(enterprise=obj, actor=self.request.user)


class EnterpriseReopenView(TransitionView):
    model = Enterprise
    permission = "enterprises.edit"
    success_message = _("The enterprise is active again.")

    def perform(self, obj, data):
        services.enterprise_reopen(enterprise=obj, actor=self.request.user)


class AssignmentCreateView(OneTimeSubmitMixin, ScopedMixin, FormView):
    """Assign (or re-assign) an officer, leader or team to one enterprise."""

    model = Enterprise
    permission = "enterprises.manage_assignments"
    form_class = AssignmentForm
    template_name = "enterprises/assignment_form.html"

    def dispatch(self, request, *args, **kwargs):
        refusal = self.refuse_early(request)
        if refusal is not None:
            return refusal
        self.enterprise = get_object_or_404(access.enterprises(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", Assignment.Kind.OFFICER)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enterprise"] = self.enterprise
        context["current_officer"] = self.enterprise.assignments.filter(
            kind=Assignment.Kind.OFFICER, ended_on__isnull=True
        ).select_related("officer").first()
        return context

    def form_valid(self, form):
        from django.contrib import messages
        from django.core.exceptions import ValidationError
        from django.db import transaction
        from django.http import HttpResponseRedirect

        try:
            with transaction.atomic():
                token = self.claim_token()
                if token is False:
                    transaction.set_rollback(True)
                    return self.already_submitted()
                services.assignment_assign(
                    enterprise=self.enterprise,
                    kind=form.cleaned_data["kind"],
                    officer=form.cleaned_data.get("officer"),
                    team=form.cleaned_data.get("team"),
                    started_on=form.cleaned_data.get("started_on"),
                    actor=self.request.user,
                )
                if token:
                    token.result_url = self.enterprise.get_absolute_url()
                    token.save(update_fields=["result_url"])
        except ValidationError as error:
            for field, msgs in getattr(error, "message_dict", {None: error.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
            return self.form_invalid(form)
        messages.success(self.request, _("Assignment saved."))
        return HttpResponseRedirect(self.enterprise.get_absolute_url())


class AssignmentEndView(TransitionView):
    model = Assignment
    permission = "enterprises.manage_assignments"
    form_class = AssignmentEndForm
    success_message = _("Assignment ended; it stays in the history.")

    def perform(self, obj, data):
        services.assignment_end(assignment=obj, actor=self.request.user, reason=data.get("reason", ""))

    def redirect_url(self, obj):
        return reverse("enterprises:enterprise_detail", args=[obj.enterprise_id])
