"""File paths sort by code point on PostgreSQL, whatever the database's locale.

Keyset pages over paths must order the same way everywhere (SQLite and Python already compare code
points), and with the "C" collation the (session, path) index also serves `path LIKE 'prefix%'`.
"""

from django.db import migrations

from alloy.migration_sql import on_postgresql

FORWARD = 'ALTER TABLE sessions_app_sessionfile ALTER COLUMN path TYPE varchar(1024) COLLATE "C"'
BACKWARD = 'ALTER TABLE sessions_app_sessionfile ALTER COLUMN path TYPE varchar(1024) COLLATE "default"'


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0002_initial")]

    operations = [on_postgresql(FORWARD, BACKWARD)]
