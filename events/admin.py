from django.contrib import admin

from events.models import Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "city"]
    search_fields = ["name", "address", "city"]
    prepopulated_fields = {"slug": ["name"]}
