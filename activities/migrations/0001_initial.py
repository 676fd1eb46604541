# The activities, yearly plans and duty reports moved here from ``deputies`` (models ``deputies.Activity``,
# ``ActivityPhoto``, ``ActivityPlan``, ``ActivityPlanItem``, ``DutyReport``). Their tables stay as they are
# (``db_table``: deputies_activity, deputies_activityphoto, deputies_activityplan, deputies_activityplanitem,
# deputies_dutyreport; the many-to-many table follows: deputies_activity_deputies), so this migration only creates
# the models in the migration state; the database is not touched. ``deputies`` 0006 then drops them from its own
# state.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import keep_content_type


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('deputies', '0005_suggestions_move_to_their_app'),  # the last migration of the tables in ``deputies``
        ('stations', '0004_outbox_moves_to_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Activity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('inspection', 'Inspection (视察)'), ('research', 'Research (调研)'), ('suggestion_supervision', 'Supervision of suggestions (建议督办)'), ('publicity', 'Publicity and lecture (宣传宣讲)'), ('study_exchange', 'Study and exchange (学习交流)'), ('policy_delivery', 'Policy delivery to firms (送政策)'), ('public_service', 'Public service (公益服务)'), ('duty_report', 'Duty report (述职)'), ('training', 'Training (履职培训)')], db_index=True, max_length=24, verbose_name='kind')),
                        ('date', models.DateField(db_index=True, verbose_name='date')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('people_reached', models.PositiveIntegerField(default=0, verbose_name='people reached')),
                        ('campaign', models.CharField(blank=True, db_index=True, help_text='e.g. 聚力强省会·代表新作为, 三个一', max_length=60, verbose_name='campaign tag')),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                        ('deputies', models.ManyToManyField(blank=True, related_name='activities', to='deputies.deputy', verbose_name='deputies taking part')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='stations.station', verbose_name='station')),
                    ],
                    options={
                        'verbose_name': 'activity',
                        'verbose_name_plural': 'activities',
                        'db_table': 'deputies_activity',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ActivityPhoto',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('image', models.ImageField(upload_to='activities/photos/%Y/', verbose_name='photo')),
                        ('caption', models.CharField(blank=True, max_length=200, verbose_name='caption')),
                        ('activity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='photos', to='activities.activity', verbose_name='activity')),
                    ],
                    options={
                        'verbose_name': 'activity photo',
                        'verbose_name_plural': 'activity photos',
                        'db_table': 'deputies_activityphoto',
                        'ordering': ['activity', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='ActivityPlan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('notes', models.TextField(blank=True, verbose_name='notes')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='published at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activity_plans', to='stations.station', verbose_name='station')),
                    ],
                    options={
                        'verbose_name': 'yearly activity plan',
                        'verbose_name_plural': 'yearly activity plans',
                        'db_table': 'deputies_activityplan',
                        'ordering': ['-year', 'station'],
                    },
                ),
                migrations.CreateModel(
                    name='ActivityPlanItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(12)], verbose_name='month')),
                        ('quarter', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(4)], verbose_name='quarter')),
                        ('kind', models.CharField(choices=[('inspection', 'Inspection (视察)'), ('research', 'Research (调研)'), ('suggestion_supervision', 'Supervision of suggestions (建议督办)'), ('publicity', 'Publicity and lecture (宣传宣讲)'), ('study_exchange', 'Study and exchange (学习交流)'), ('policy_delivery', 'Policy delivery to firms (送政策)'), ('public_service', 'Public service (公益服务)'), ('duty_report', 'Duty report (述职)'), ('training', 'Training (履职培训)')], max_length=24, verbose_name='kind')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(blank=True, verbose_name='description')),
                        ('plan', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='activities.activityplan', verbose_name='plan')),
                    ],
                    options={
                        'verbose_name': 'plan item',
                        'verbose_name_plural': 'plan items',
                        'db_table': 'deputies_activityplanitem',
                        'ordering': ['plan', 'quarter', 'month', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='DutyReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(db_index=True, verbose_name='date')),
                        ('audience', models.PositiveIntegerField(default=0, verbose_name='audience')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('summary', models.TextField(blank=True, verbose_name='summary')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='duty_reports', to='activities.activity', verbose_name='activity')),
                        ('deputy', models.ForeignKey(blank=True, help_text='Empty: the station reports on its own work.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='duty_reports', to='deputies.deputy', verbose_name='deputy')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_reports', to='stations.station', verbose_name='station')),
                    ],
                    options={
                        'verbose_name': 'duty report',
                        'verbose_name_plural': 'duty reports',
                        'db_table': 'deputies_dutyreport',
                        'ordering': ['-date', 'station', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='activity',
                    index=models.Index(fields=['station', 'date'], name='deputies_ac_station_30c2b0_idx'),
                ),
                migrations.AddConstraint(
                    model_name='activityplan',
                    constraint=models.UniqueConstraint(fields=('station', 'year'), name='activityplan_one_per_year'),
                ),
                migrations.AddConstraint(
                    model_name='activityplanitem',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('month__isnull', False), ('quarter__isnull', True)), models.Q(('month__isnull', True), ('quarter__isnull', False)), _connector='OR'), name='activityplanitem_month_or_quarter', violation_error_message='Give either a month or a quarter.'),
                ),
                migrations.AddConstraint(
                    model_name='activityplanitem',
                    constraint=models.CheckConstraint(condition=models.Q(('month__isnull', True), models.Q(('month__gte', 1), ('month__lte', 12)), _connector='OR'), name='activityplanitem_month_range'),
                ),
                migrations.AddConstraint(
                    model_name='activityplanitem',
                    constraint=models.CheckConstraint(condition=models.Q(('quarter__isnull', True), models.Q(('quarter__gte', 1), ('quarter__lte', 4)), _connector='OR'), name='activityplanitem_quarter_range'),
                ),
                migrations.AddConstraint(
                    model_name='dutyreport',
                    constraint=models.UniqueConstraint(condition=models.Q(('deputy__isnull', False)), fields=('station', 'deputy', 'date'), name='dutyreport_one_per_deputy_day'),
                ),
                migrations.AddConstraint(
                    model_name='dutyreport',
                    constraint=models.UniqueConstraint(condition=models.Q(('deputy__isnull', True)), fields=('station', 'date'), name='dutyreport_one_station_per_day'),
                ),
            ],
            database_operations=[],
        ),
        keep_content_type("deputies", "activities", "activity", "activityphoto", "activityplan", "activityplanitem", "dutyreport"),
    ]
