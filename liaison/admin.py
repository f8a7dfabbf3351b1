from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from liaison.models import CalendarDay

admin.site.site_header = _("Liaison administration")
admin.site.site_title = _("Liaison")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    search_fields = ["note"]
    date_hierarchy = "date"
