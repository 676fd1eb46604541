from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Deputy, Mandate


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0


@admin.register(Deputy)
class DeputyAdmin(ScopedAdmin):
    list_display = ["name", "ref", "gender", "occupation"]
    list_filter = ["gender", "mandates__level"]
    search_fields = ["name", "ref", "occupation"]
    inlines = [MandateInline]
    autocomplete_fields = ["user"]
