
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sessions_app', '0014_serving_role_wall'),
    ]

    operations = [
        migrations.AddField(
            model_name='sessionfile',
            name='changed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
