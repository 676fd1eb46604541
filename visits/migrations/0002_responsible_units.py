"""The county departments that usually handle opinions in Yuelu District (editable in the admin). Street and
township offices belong to areas and are added with them (the demo step adds Yuelu's 19)."""

from django.db import migrations

DEPARTMENTS = [
    "区发展和改革局",
    "区教育局",
    "区工业和信息化局",
    "区民政局",
    "区司法局",
    "区财政局",
    "区人力资源和社会保障局",
    "区住房和城乡建设局",
    "区城市管理和综合执法局",
    "区交通运输局",
    "区水利局",
    "区农业农村局",
    "区商务局",
    "区文化旅游体育局",
    "区卫生健康局",
    "区退役军人事务局",
    "区应急管理局",
    "区市场监督管理局",
    "区医疗保障局",
    "区城市更新事务中心",
    "长沙市自然资源和规划局岳麓分局",
    "长沙市生态环境局岳麓分局",
    "长沙市公安局岳麓分局",
    "长沙市公安局交通警察支队岳麓大队",
]
OTHERS = ["国网长沙供电公司岳麓分公司", "长沙水业集团岳麓供水分公司", "长沙市公共交通集团"]


def load(apps, schema_editor):
    ResponsibleUnit = apps.get_model("visits", "ResponsibleUnit")
    existing = set(ResponsibleUnit.objects.values_list("name", flat=True))
    rows = [(name, "department", 10 + i) for i, name in enumerate(DEPARTMENTS)]
    rows += [(name, "other", 200 + i) for i, name in enumerate(OTHERS)]
    ResponsibleUnit.objects.bulk_create(
        [ResponsibleUnit(name=n, kind=k, sort_order=o) for n, k, o in rows if n not in existing]
    )


def unload(apps, schema_editor):
    apps.get_model("visits", "ResponsibleUnit").objects.filter(name__in=DEPARTMENTS + OTHERS).delete()


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
