# The suggestions moved to their own app (``suggestions`` 0001 takes the models over with their tables): drop them
# from this app's migration state only; the tables stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('deputies', '0004_suggestion_links_to_visits'),
        ('suggestions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='suggestionevent', name='suggestion'),
                migrations.RemoveField(model_name='suggestionevent', name='by'),
                migrations.DeleteModel(name='Suggestion'),
                migrations.DeleteModel(name='SuggestionEvent'),
            ],
            database_operations=[],
        ),
    ]
