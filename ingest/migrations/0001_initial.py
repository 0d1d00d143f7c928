"""Ingestion keys (ingest/models.py), behind the wall as MCP keys are (mcp_gateway 0010): the serving role sees a
key when its transaction set the key's workspace (`alloy.workspace_id`), when the signed-in person belongs to its
workspace (`alloy.person_id`: the settings page), or when it presents the key itself (`alloy.presented_key`, the
keyed hash of the key a write carried: ingest/keys.py). Enabled, not forced: the operations role, which owns the
table, reads it whole (the admin, the commands)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
PRESENTED = "NULLIF(current_setting('alloy.presented_key', true), '')"

FORWARD = f"""
ALTER TABLE ingest_ingestkey ENABLE ROW LEVEL SECURITY;
CREATE POLICY ingestkey_wall ON ingest_ingestkey USING (
    workspace_id = {WORKSPACE} OR key_hash = {PRESENTED} OR workspace_id IN (SELECT workspaces_person_workspaces())
);
"""

BACKWARD = """
DROP POLICY IF EXISTS ingestkey_wall ON ingest_ingestkey;
ALTER TABLE ingest_ingestkey DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('workspaces', '0005_alter_auditevent_action'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='IngestKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='What writes with it, e.g. “builder-api (prod)”.', max_length=100)),
                ('prefix', models.CharField(editable=False, help_text="The key's visible start.", max_length=21, unique=True)),
                ('key_hash', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ingest_keys', to='workspaces.workspace')),
            ],
            options={
                'verbose_name': 'ingestion key',
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['workspace', '-created_at'], name='ingestkey_ws_created_idx')],
            },
        ),
        on_postgresql(FORWARD, BACKWARD),
    ]
