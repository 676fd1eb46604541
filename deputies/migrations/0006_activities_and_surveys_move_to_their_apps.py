# The activities (with plans and duty reports) and the surveys moved to their own apps (``activities`` 0001 and
# ``surveys`` 0001 take the models over with their tables): drop them from this app's migration state only; the
# tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0005_suggestions_move_to_their_app'),
        ('activities', '0001_initial'),
        ('surveys', '0001_initial'),
        ('suggestions', '0002_supervision_activity_moves_to_activities'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='dutyreport',
                    name='activity',
                ),
                migrations.RemoveField(
                    model_name='activityphoto',
                    name='activity',
                ),
                migrations.RemoveField(
                    model_name='activityplan',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='activityplanitem',
                    name='plan',
                ),
                migrations.RemoveField(
                    model_name='dutyreport',
                    name='deputy',
                ),
                migrations.RemoveField(
                    model_name='dutyreport',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='survey',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='surveyquestion',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='surveyanswer',
                    name='question',
                ),
                migrations.RemoveField(
                    model_name='surveyanswer',
                    name='response',
                ),
                migrations.RemoveField(
                    model_name='surveyquestion',
                    name='deputy',
                ),
                migrations.RemoveField(
                    model_name='surveyresponse',
                    name='entered_by',
                ),
                migrations.DeleteModel(
                    name='Activity',
                ),
                migrations.DeleteModel(
                    name='ActivityPhoto',
                ),
                migrations.DeleteModel(
                    name='ActivityPlan',
                ),
                migrations.DeleteModel(
                    name='ActivityPlanItem',
                ),
                migrations.DeleteModel(
                    name='DutyReport',
                ),
                migrations.DeleteModel(
                    name='Survey',
                ),
                migrations.DeleteModel(
                    name='SurveyAnswer',
                ),
                migrations.DeleteModel(
                    name='SurveyQuestion',
                ),
                migrations.DeleteModel(
                    name='SurveyResponse',
                ),
            ],
            database_operations=[],
        ),
    ]
