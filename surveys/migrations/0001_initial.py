# The year-end surveys moved here from ``deputies`` (models ``deputies.Survey``, ``SurveyQuestion``,
# ``SurveyResponse``, ``SurveyAnswer``). Their tables stay as they are (``db_table``: deputies_survey,
# deputies_surveyquestion, deputies_surveyresponse, deputies_surveyanswer), so this migration only creates the
# models in the migration state; the database is not touched. ``deputies`` 0006 then drops them from its own state.

import django.db.models.deletion
import django.utils.timezone
import surveys.models
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import keep_content_type


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('deputies', '0005_suggestions_move_to_their_app'),  # the last migration of the tables in ``deputies``
        ('activities', '0001_initial'),
        ('stations', '0004_outbox_moves_to_notices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                        ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                        ('opens_on', models.DateField(verbose_name='opens on')),
                        ('closes_on', models.DateField(verbose_name='closes on')),
                        ('token', models.CharField(default=surveys.models.new_survey_token, editable=False, max_length=40, unique=True, verbose_name='public token')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='surveys', to='stations.station', verbose_name='station')),
                    ],
                    options={
                        'verbose_name': 'satisfaction survey',
                        'verbose_name_plural': 'satisfaction surveys',
                        'db_table': 'deputies_survey',
                        'ordering': ['-year', 'station'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyQuestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                        ('deputy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='deputies.deputy', verbose_name='deputy')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='surveys.survey', verbose_name='survey')),
                    ],
                    options={
                        'verbose_name': 'survey question',
                        'verbose_name_plural': 'survey questions',
                        'db_table': 'deputies_surveyquestion',
                        'ordering': ['survey', 'order', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('online', 'Online'), ('paper', 'Paper ballot')], max_length=8, verbose_name='channel')),
                        ('phone_hash', models.CharField(blank=True, editable=False, max_length=64, null=True, verbose_name='phone hash')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='submitted at')),
                        ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                        ('survey', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.survey', verbose_name='survey')),
                    ],
                    options={
                        'verbose_name': 'survey response',
                        'verbose_name_plural': 'survey responses',
                        'db_table': 'deputies_surveyresponse',
                        'ordering': ['survey', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SurveyAnswer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('rating', models.CharField(choices=[('very_satisfied', 'Very satisfied'), ('satisfied', 'Satisfied'), ('basically_satisfied', 'Basically satisfied'), ('not_satisfied', 'Not satisfied')], max_length=20, verbose_name='rating')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.surveyquestion', verbose_name='question')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.surveyresponse', verbose_name='response')),
                    ],
                    options={
                        'verbose_name': 'survey answer',
                        'verbose_name_plural': 'survey answers',
                        'db_table': 'deputies_surveyanswer',
                        'ordering': ['response', 'question'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='survey',
                    constraint=models.UniqueConstraint(fields=('station', 'year'), name='survey_one_per_station_year'),
                ),
                migrations.AddConstraint(
                    model_name='survey',
                    constraint=models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='survey_window_order'),
                ),
                migrations.AddConstraint(
                    model_name='surveyquestion',
                    constraint=models.UniqueConstraint(condition=models.Q(('deputy__isnull', False)), fields=('survey', 'deputy'), name='surveyquestion_one_per_deputy'),
                ),
                migrations.AddConstraint(
                    model_name='surveyquestion',
                    constraint=models.UniqueConstraint(condition=models.Q(('deputy__isnull', True)), fields=('survey',), name='surveyquestion_one_for_station'),
                ),
                migrations.AddConstraint(
                    model_name='surveyresponse',
                    constraint=models.UniqueConstraint(fields=('survey', 'phone_hash'), name='surveyresponse_one_per_phone'),
                ),
                migrations.AddConstraint(
                    model_name='surveyresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('channel', 'paper'), ('phone_hash__isnull', False), _connector='OR'), name='surveyresponse_online_has_phone'),
                ),
                migrations.AddConstraint(
                    model_name='surveyanswer',
                    constraint=models.UniqueConstraint(fields=('response', 'question'), name='surveyanswer_one_per_question'),
                ),
                migrations.AddConstraint(
                    model_name='surveyanswer',
                    constraint=models.CheckConstraint(condition=models.Q(('rating__in', ['very_satisfied', 'satisfied', 'basically_satisfied', 'not_satisfied'])), name='surveyanswer_rating_on_scale'),
                ),
            ],
            database_operations=[],
        ),
        keep_content_type("deputies", "surveys", "survey", "surveyquestion", "surveyresponse", "surveyanswer"),
    ]
