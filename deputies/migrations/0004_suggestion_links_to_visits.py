# Suggestions link to the opinions they grew from and to a responsible unit of the visits app.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0003_activity_activityphoto_activityplan_activityplanitem_and_more'),
        ('visits', '0002_responsible_units'),
    ]

    operations = [
        migrations.AddField(
            model_name='suggestion',
            name='source_opinions',
            field=models.ManyToManyField(blank=True, related_name='suggestions', to='visits.opinion', verbose_name='source opinions'),
        ),
        # The handling unit was free text until the units became reference data: drop the text column.
        migrations.RemoveField(model_name='suggestion', name='unit'),
        migrations.AddField(
            model_name='suggestion',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='visits.responsibleunit', verbose_name='handling unit'),
        ),
    ]
