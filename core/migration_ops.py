"""Operations for migrations that move a model to another app without moving its table."""

from django.db import migrations


def keep_content_type(old_app: str, new_app: str, *models: str):
    """A ``RunPython`` that gives an existing database's content type rows of ``models`` their new app label,
    so permissions granted on them and the admin's history follow the move (a fresh database has no rows)."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not ContentType.objects.filter(app_label=new_app, model=model).exists():
                ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)

    def backwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label=new_app, model__in=models).update(app_label=old_app)

    return migrations.RunPython(forwards, backwards, elidable=True)
