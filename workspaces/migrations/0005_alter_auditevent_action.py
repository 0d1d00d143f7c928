
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workspaces', '0004_audit_trail'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('key.created', 'MCP key created'), ('key.revoked', 'MCP key revoked'), ('key.deleted', 'MCP key deleted'), ('app.revoked', 'Connected app revoked'), ('member.added', 'Member added'), ('member.role_changed', "Member's role changed"), ('member.removed', 'Member removed'), ('policy.changed', 'MCP policy changed'), ('ingest_key.created', 'Ingestion key created'), ('ingest_key.revoked', 'Ingestion key revoked')], max_length=32),
        ),
    ]
