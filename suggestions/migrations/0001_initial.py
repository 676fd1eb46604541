# The suggestions moved here from ``deputies`` (models ``deputies.Suggestion`` and ``deputies.SuggestionEvent``).
# Their tables stay as they are (``db_table``: deputies_suggestion, deputies_suggestionevent; the many-to-many
# tables follow: deputies_suggestion_co_signers, deputies_suggestion_source_opinions), so this migration only
# creates the models in the migration state; the database is not touched. ``deputies`` 0005 then drops them from
# its own state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from core.migration_ops import keep_content_type


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('deputies', '0004_suggestion_links_to_visits'),  # the last migration that shaped the tables
        ('stations', '0002_reception_day'),
        ('visits', '0002_responsible_units'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Suggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(blank=True, help_text='Filing number, e.g. 2025-015.', max_length=30, verbose_name='number')),
                        ('year', models.PositiveSmallIntegerField(db_index=True, verbose_name='year')),
                        ('session', models.CharField(blank=True, help_text='e.g. 岳麓区第四届人大第五次会议', max_length=100, verbose_name='congress session')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('content', models.TextField(verbose_name='content')),
                        ('category', models.CharField(choices=[('development', 'High-quality development'), ('livelihood', 'Livelihood'), ('rural', 'Rural revitalisation')], db_index=True, max_length=16, verbose_name='category')),
                        ('topics', models.JSONField(blank=True, default=list, help_text='Free sub-topics, e.g. 交通管理.', verbose_name='topics')),
                        ('status', models.CharField(choices=[('filed', 'Filed'), ('assigned', 'Assigned to a unit'), ('answered', 'Answered'), ('assessed', 'Assessed by the deputy'), ('closed', 'Closed')], db_index=True, default='filed', max_length=16, verbose_name='status')),
                        ('filed_on', models.DateField(verbose_name='filed on')),
                        ('assigned_on', models.DateField(blank=True, null=True, verbose_name='assigned on')),
                        ('deadline', models.DateField(blank=True, null=True, verbose_name='answer deadline')),
                        ('extension_reason', models.CharField(blank=True, max_length=300, verbose_name='reason for the extension')),
                        ('answer_class', models.CharField(blank=True, choices=[('A', 'A: solved or being solved'), ('B', 'B: planned, conditions lacking now'), ('C', 'C: explained, cannot be done now')], max_length=1, verbose_name='answer class')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                        ('assessment', models.CharField(blank=True, choices=[('satisfied', 'Satisfied'), ('basically_satisfied', 'Basically satisfied'), ('not_satisfied', 'Not satisfied')], max_length=20, verbose_name="deputy's assessment")),
                        ('assessed_on', models.DateField(blank=True, null=True, verbose_name='assessed on')),
                        ('returned_once', models.BooleanField(default=False, help_text='A not-satisfied assessment sends it back once.', verbose_name='sent back to the unit')),
                        ('supervised', models.BooleanField(db_index=True, default=False, verbose_name='supervised (督办)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('co_signers', models.ManyToManyField(blank=True, related_name='suggestions_cosigned', to='deputies.deputy', verbose_name='co-signers')),
                        ('lead_deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suggestions_led', to='deputies.deputy', verbose_name='lead deputy')),
                        ('source_opinions', models.ManyToManyField(blank=True, related_name='suggestions', to='visits.opinion', verbose_name='source opinions')),
                        ('station', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='stations.station', verbose_name='station it grew from')),
                        ('supervision_activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='supervised_suggestions', to='deputies.activity', verbose_name='supervision activity')),
                        ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='visits.responsibleunit', verbose_name='handling unit')),
                    ],
                    options={
                        'verbose_name': 'deputy suggestion',
                        'verbose_name_plural': 'deputy suggestions',
                        'db_table': 'deputies_suggestion',
                        'ordering': ['-year', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='SuggestionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(max_length=20, verbose_name='action')),
                        ('from_status', models.CharField(blank=True, max_length=16, verbose_name='from status')),
                        ('to_status', models.CharField(max_length=16, verbose_name='to status')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='suggestions.suggestion', verbose_name='suggestion')),
                    ],
                    options={
                        'verbose_name': 'suggestion event',
                        'verbose_name_plural': 'suggestion events',
                        'db_table': 'deputies_suggestionevent',
                        'ordering': ['suggestion', 'at', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='suggestion',
                    index=models.Index(fields=['year', 'category'], name='deputies_su_year_13ae8a_idx'),
                ),
                migrations.AddConstraint(
                    model_name='suggestion',
                    constraint=models.UniqueConstraint(condition=models.Q(('number', ''), _negated=True), fields=('year', 'number'), name='suggestion_unique_number'),
                ),
                migrations.AddConstraint(
                    model_name='suggestion',
                    constraint=models.CheckConstraint(condition=models.Q(('category__in', ['development', 'livelihood', 'rural'])), name='suggestion_known_category'),
                ),
                migrations.AddConstraint(
                    model_name='suggestion',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status__in', ['answered', 'assessed']), _negated=True), models.Q(('answer_class', ''), _negated=True), _connector='OR'), name='suggestion_answer_has_class'),
                ),
            ],
            database_operations=[],
        ),
        keep_content_type("deputies", "suggestions", "suggestion", "suggestionevent"),
    ]
