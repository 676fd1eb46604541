"""Keep ``StationMonth`` current: every save or delete of a source record marks its station-month dirty, and
``reports.rollups`` recomputes the dirty station-months once the transaction commits.

Signals rather than calls sprinkled through each service: every write path (services, admin, shell, imports)
is covered by one mechanism. Bulk writes that bypass signals (``bulk_create``/``update`` in the demo seed or
mass imports) call ``rollups.mark_dirty`` themselves or ``rollups.rebuild()``.
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from core import hooks

from . import rollups

OLD_KEYS_ATTR = "_rollup_old_key"


def _resolve(instance, path: str):
    value = instance
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _tracked() -> dict:
    """model class → [(station path, date path)] from the rollup sources."""
    out: dict = {}
    for source in rollups.SOURCES:
        pair = (source.station, source.date)
        paths = out.setdefault(apps.get_model(source.model), [])
        if pair not in paths:
            paths.append(pair)
    return out


def _keys(instance, paths) -> set:
    keys = set()
    for station_path, date_path in paths:
        station_id, day = _resolve(instance, station_path), _resolve(instance, date_path)
        if station_id is not None and day is not None:
            keys.add((station_id, rollups.month_of(day)))
    return keys


def _on_records_changed(sender, station_ids=None, months=None, **kwargs):
    """Writes without model signals (``core.hooks.records_changed``) mark their station-months too."""
    if station_ids is None or not months:
        return
    for station_id in station_ids:
        for month in months:
            rollups.mark_dirty(station_id, month)


def connect() -> None:
    hooks.changed.connect(_on_records_changed, weak=False, dispatch_uid="rollups-records-changed")
    for model, paths in _tracked().items():
        simple = all("__" not in s and "__" not in d for s, d in paths)

        def remember_old(sender, instance, paths=paths, simple=simple, **kwargs):
            if simple and instance.pk:
                fields = sorted({p for pair in paths for p in pair})
                old = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
                if old:
                    setattr(
                        instance,
                        OLD_KEYS_ATTR,
                        {(old[s], rollups.month_of(old[d])) for s, d in paths if old[s] and old[d]},
                    )

        def changed(sender, instance, paths=paths, **kwargs):
            for station_id, month in _keys(instance, paths) | getattr(instance, OLD_KEYS_ATTR, set()):
                rollups.mark_dirty(station_id, month)

        uid = f"rollups-{model._meta.label}"
        pre_save.connect(remember_old, sender=model, weak=False, dispatch_uid=uid)
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
