"""Mainland China public holidays and make-up working days (调休) for 2025–2027.

2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号).
2026: 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025).
2027: NOT YET PUBLISHED when this was written: the best-known projection under the 2024 holiday rules
(元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days). Replace it in the admin when the
State Council publishes the 2027 notice.
"""

import datetime

from django.db import migrations

# (first day, last day, name) of each holiday run; (date, name) of each make-up working day.
HOLIDAYS = [
    # 2025
    ("2025-01-01", "2025-01-01", "元旦"),
    ("2025-01-28", "2025-02-04", "春节"),
    ("2025-04-04", "2025-04-06", "清明节"),
    ("2025-05-01", "2025-05-05", "劳动节"),
    ("2025-05-31", "2025-06-02", "端午节"),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    # 2026
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
    # 2027 (projected, see the module docstring)
    ("2027-01-01", "2027-01-03", "元旦"),
    ("2027-02-05", "2027-02-13", "春节"),
    ("2027-04-03", "2027-04-05", "清明节"),
    ("2027-05-01", "2027-05-05", "劳动节"),
    ("2027-06-09", "2027-06-09", "端午节"),
    ("2027-09-15", "2027-09-15", "中秋节"),
    ("2027-10-01", "2027-10-07", "国庆节"),
]
MAKE_UP_DAYS = [
    ("2025-01-26", "春节调休上班"),
    ("2025-02-08", "春节调休上班"),
    ("2025-04-27", "劳动节调休上班"),
    ("2025-09-28", "国庆节、中秋节调休上班"),
    ("2025-10-11", "国庆节、中秋节调休上班"),
    ("2026-01-04", "元旦调休上班"),
    ("2026-02-14", "春节调休上班"),
    ("2026-02-28", "春节调休上班"),
    ("2026-05-09", "劳动节调休上班"),
    ("2026-09-20", "国庆节调休上班"),
    ("2026-10-10", "国庆节调休上班"),
    ("2027-02-14", "春节调休上班"),
    ("2027-02-20", "春节调休上班"),
    ("2027-05-08", "劳动节调休上班"),
    ("2027-09-26", "国庆节调休上班"),
    ("2027-10-09", "国庆节调休上班"),
]


def rows():
    for first, last, name in HOLIDAYS:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            yield day, False, name
            day += datetime.timedelta(days=1)
    for day, name in MAKE_UP_DAYS:
        yield datetime.date.fromisoformat(day), True, name


def load(apps, schema_editor):
    CalendarException = apps.get_model("core", "CalendarException")
    existing = set(CalendarException.objects.values_list("date", flat=True))
    CalendarException.objects.bulk_create(
        [CalendarException(date=d, is_working_day=w, name=n) for d, w, n in rows() if d not in existing]
    )


def unload(apps, schema_editor):
    CalendarException = apps.get_model("core", "CalendarException")
    CalendarException.objects.filter(date__in=[d for d, _w, _n in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
