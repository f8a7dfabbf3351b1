"""The role home: what each kind of user needs first when they open Liaison."""

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from enterprises.models import Assignment, Enterprise
from liaison import access


@require_safe
def home(request):
    user = request.user
    if access.is_auditor(user):
        return redirect("accounts:audit_log")
    if not access.is_programme_user(user):
        if user.is_staff:
            return redirect("admin:index")
        return render(request, "home_no_role.html", status=403)
    context = {"today": timezone.localdate()}
    scoped = access.enterprises(user).filter(status=Enterprise.Status.ACTIVE)
    if access.role_of(user) == access.OFFICER:
        mine = scoped.filter(
            Exists(Assignment.objects.filter(enterprise=OuterRef("pk"), officer=user, ended_on__isnull=True))
        ).select_related("station")
        # Never-visited first, then the longest since the last visit.
        context["my_enterprises"] = sorted(mine, key=lambda e: (e.last_visit_at is not None, e.next_visit_due or context["today"]))
    else:
        current_officer = Assignment.objects.filter(
            enterprise=OuterRef("pk"), kind=Assignment.Kind.OFFICER, ended_on__isnull=True
        )
        since = timezone.now() - timezone.timedelta(days=30)
        context["coverage"] = scoped.aggregate(
            total=Count("pk"),
            assigned=Count("pk", filter=Q(Exists(current_officer))),
            key=Count("pk", filter=Q(is_key=True)),
            hazardous=Count(
                "pk",
                filter=Q(has_explosives=True) | Q(has_hazardous_chemicals=True) | Q(has_fuel=True) | Q(has_fireworks=True),
            ),
            visited_30=Count("pk", filter=Q(last_visit_at__gte=since)),
        )
        context["coverage"]["unassigned"] = context["coverage"]["total"] - context["coverage"]["assigned"]
        context["by_station"] = (
            scoped.values("station__pk", "station__name")
            .annotate(total=Count("pk"), assigned=Count("pk", filter=Q(Exists(current_officer))), visited_30=Count("pk", filter=Q(last_visit_at__gte=since)))
            .order_by("station__name")
        )
    return render(request, "home.html", context)
