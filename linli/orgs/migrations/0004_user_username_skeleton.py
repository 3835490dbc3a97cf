"""Every user's username skeleton (linli.orgs.usernames), so that a new name that looks like an
existing one is refused. Existing look-alikes stay as they are: only new names are checked."""

from django.db import migrations, models


def fill_skeletons(apps, schema_editor):
    from linli.orgs.models import SKELETON_LENGTH
    from linli.orgs.usernames import skeleton

    User = apps.get_model("orgs", "User")
    users = list(User.objects.only("id", "username"))
    for user in users:
        user.username_skeleton = skeleton(user.username)[:SKELETON_LENGTH]
    User.objects.bulk_update(users, ["username_skeleton"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0003_user_created_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_skeleton",
            field=models.CharField(db_index=True, default="", editable=False, max_length=450),
        ),
        migrations.RunPython(fill_skeletons, migrations.RunPython.noop),
    ]
