"""Communities that existed before the service desk get its default categories, as every new
one does (see signals.py), so that no community's Open311 service list is empty. The list is a
copy of services.DEFAULT_CATEGORIES as it was when this migration was written."""

from django.db import migrations

DEFAULT_CATEGORIES = [
    ("水电", ["repair", "help", "complaint", "inquiry"]),
    ("门窗", ["repair", "complaint"]),
    ("电梯", ["repair", "complaint", "help"]),
    ("公共设施", ["repair", "complaint", "suggestion"]),
    ("环境卫生", ["complaint", "suggestion", "praise"]),
    ("绿化", ["repair", "complaint", "suggestion"]),
    ("安全", ["complaint", "help", "suggestion"]),
    ("噪音", ["complaint"]),
    ("停车", ["complaint", "help", "inquiry"]),
    ("收费", ["inquiry", "complaint"]),
]


def add_defaults(apps, schema_editor):
    Community = apps.get_model("estates", "Community")
    Category = apps.get_model("servicedesk", "Category")
    for community_id in Community.objects.values_list("id", flat=True):
        have = set(Category.objects.filter(community_id=community_id).values_list("name", flat=True))
        Category.objects.bulk_create([
            Category(community_id=community_id, name=name, kinds=kinds, position=i)
            for i, (name, kinds) in enumerate(DEFAULT_CATEGORIES) if name not in have])


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
