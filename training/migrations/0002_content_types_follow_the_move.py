"""The moved models keep their content types, and so what points at them.

Permissions (and the groups and users holding them), admin log entries and any other row
with a foreign key to a content type point at the row of `supervision_sessions.<model>`;
renaming that row to `training.<model>` keeps every such pointer. The audit trail names a
record by "app_label.model" text, so its entries for these models are renamed too (a
sitting's or an attendance's history would otherwise start empty after the move).

If the new rows already exist (post_migrate creates the content types and permissions of
every installed model after a `migrate` that stopped between 0001 and this migration), what
points at them is moved to the old rows first and then they are deleted: a permission that
both rows have keeps the old one, with the new one's holders added to it.
"""

from django.db import migrations

MODELS = (
    "trainingevent",
    "sitting",
    "enrolment",
    "attendance",
    "creditpolicy",
    "leaverequest",
    "checkinuse",
)


def _merge_permissions(apps, source, target) -> None:
    Permission = apps.get_model("auth", "Permission")
    kept = {p.codename: p for p in Permission.objects.filter(content_type=target)}
    for perm in Permission.objects.filter(content_type=source):
        twin = kept.get(perm.codename)
        if twin is None:
            perm.content_type = target
            perm.save(update_fields=["content_type"])
            continue
        # Give the holders of the duplicate (groups, users) the permission that stays.
        for rel in Permission._meta.related_objects:
            if rel.many_to_many:
                for holder in rel.related_model.objects.filter(**{rel.field.name: perm}):
                    getattr(holder, rel.field.name).add(twin)
        perm.delete()


def _repoint(apps, source, target) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for rel in ContentType._meta.related_objects:
        model = rel.related_model
        if model._meta.label_lower == "auth.permission" or rel.many_to_many:
            continue
        model._default_manager.filter(**{rel.field.name: source}).update(**{rel.field.name: target})


def _move(apps, old_label: str, new_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if old is not None and new is not None:
            _merge_permissions(apps, new, old)
            _repoint(apps, new, old)
            new.delete()
        if old is not None:
            old.app_label = new_label
            old.save(update_fields=["app_label"])
        AuditEvent.objects.filter(object_type=f"{old_label}.{model}").update(
            object_type=f"{new_label}.{model}"
        )


def forwards(apps, schema_editor) -> None:
    _move(apps, "supervision_sessions", "training")


def backwards(apps, schema_editor) -> None:
    _move(apps, "training", "supervision_sessions")


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
