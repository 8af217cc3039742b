"""Back office for the internet statistics' reference data (STAT-2): which domains make a
service. Staff maintain it; every change is audited like the catalogue's."""

from __future__ import annotations

from django.contrib import admin

from issa.catalog.admin import AuditedAdmin

from .models_stats import ServiceDomain


@admin.register(ServiceDomain)
class ServiceDomainAdmin(AuditedAdmin):
    audit_prefix = "usage"
    list_display = ("domain", "service")
    search_fields = ("domain", "service")
    ordering = ("service", "domain")
