"""The database itself refuses UPDATE (and DELETE on PostgreSQL) of issued bills and of the
history of delivery settings (BSS-5: a bill is never edited after it is issued; BILL-7)."""

from django.db import migrations

from issa.core.models import append_only_trigger_sql

TABLES = ["billing_bill", "billing_deliverysetting"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        statements = append_only_trigger_sql(table, vendor)
        if vendor == "sqlite":
            statements = [s for s in statements if "_no_delete" not in s]
        for sql in statements:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_bills")]
    operations = [migrations.RunPython(forwards, backwards)]
