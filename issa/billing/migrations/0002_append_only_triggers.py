"""The database itself refuses UPDATE (and DELETE on PostgreSQL) of billing_ledgerentry.

On SQLite only UPDATE is refused by trigger: Django's test flush empties tables with DELETE there;
the ORM refuses deletes on both databases (issa.core.models.AppendOnlyModel).
"""

from django.db import migrations

from issa.core.models import append_only_trigger_sql

TABLE = "billing_ledgerentry"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = append_only_trigger_sql(TABLE, vendor)
    if vendor == "sqlite":
        statements = [s for s in statements if "_no_delete" not in s]
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update ON {TABLE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_append_only()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
