# The activities moved to their own app (``activities`` 0001, same table): point the supervision activity at
# ``activities.Activity`` in the migration state only; the column and its foreign key stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_initial'),
        ('suggestions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='suggestion',
                    name='supervision_activity',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='supervised_suggestions', to='activities.activity', verbose_name='supervision activity'),
                ),
            ],
            database_operations=[],
        ),
    ]
