from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from bianmin.admin_base import ServiceAdmin
from bianmin.org.models import User
from bianmin.workdays import services
from bianmin.workdays.models import CalendarOverride, HolidaySchedule


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ServiceAdmin):
    list_display = ["date", "is_workday", "note", "updated_at", "updated_by"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "note"]

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: ModelForm[CalendarOverride], change: bool
    ) -> None:
        row = services.set_override(actor=_actor(request), day=obj.date, is_workday=obj.is_workday, note=obj.note)
        self.adopt(obj, row)

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.remove_override(obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: object) -> None:
        for row in list(queryset):  # type: ignore[call-overload]
            services.remove_override(row, actor=_actor(request))


@admin.register(HolidaySchedule)
class HolidayScheduleAdmin(ServiceAdmin):
    list_display = ["year", "source", "entered_at", "entered_by"]
    fields = ["year", "source"]

    def save_model(
        self, request: HttpRequest, obj: HolidaySchedule, form: ModelForm[HolidaySchedule], change: bool
    ) -> None:
        row = services.declare_schedule(actor=_actor(request), year=obj.year, source=obj.source)
        self.adopt(obj, row)
