"""The workspace audit trail, behind the wall for the serving role (alloy/database_roles.py): the events of the
workspace its transaction set (`alloy.workspace_id`: the MCP services), or of the signed-in person's workspaces
(`alloy.person_id`: the member pages), as memberships are (0003). The serving role may read and add events, and
forget a deleted person (Django's SET_NULL), nothing more (`APPEND_ONLY`); the operations role prunes them.
Enabled, not forced: the operations role reads them all (the admin, exports).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from alloy.migration_sql import on_postgresql

WORKSPACE = "NULLIF(current_setting('alloy.workspace_id', true), '')::bigint"
FORWARD = f"""
ALTER TABLE workspaces_auditevent ENABLE ROW LEVEL SECURITY;
CREATE POLICY auditevent_wall ON workspaces_auditevent
    USING (workspace_id = {WORKSPACE} OR workspace_id IN (SELECT workspaces_person_workspaces()));
"""
BACKWARD = """
DROP POLICY IF EXISTS auditevent_wall ON workspaces_auditevent;
ALTER TABLE workspaces_auditevent DISABLE ROW LEVEL SECURITY;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('workspaces', '0003_membership_walled'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('actor_label', models.CharField(max_length=254)),
                ('action', models.CharField(choices=[('key.created', 'MCP key created'), ('key.revoked', 'MCP key revoked'), ('key.deleted', 'MCP key deleted'), ('app.revoked', 'Connected app revoked'), ('member.added', 'Member added'), ('member.role_changed', "Member's role changed"), ('member.removed', 'Member removed'), ('policy.changed', 'MCP policy changed')], max_length=32)),
                ('target', models.CharField(help_text='What was changed: a key, an app, a person, the policy.', max_length=300)),
                ('before', models.JSONField(blank=True, null=True)),
                ('after', models.JSONField(blank=True, null=True)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='workspaces.workspace')),
            ],
            options={
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['workspace', '-id'], name='auditevent_ws_id_idx')],
            },
        ),
        on_postgresql(FORWARD, BACKWARD),
    ]
