"""File contents belong to a workspace: today's shared contents are split, one copy per workspace.

Until now one `Blob` row held a content for every workspace that had it. Each content now goes to the
first workspace (by id) whose files use it, and every other such workspace gets its own copy, its files
pointing at it; contents no file uses are dropped (nothing can reach them). Every file's `before` and
`after` read back byte for byte the same (tests/sessions_app/test_blob_split_migration.py). Migration
0012 then makes the workspace required, unique with the digest, and walls the contents.

The data goes through the ORM so one code path serves PostgreSQL and SQLite (`make run`). It reads
every file row's blob ids once, then copies the shared contents a few at a time: contents can be
megabytes each. On PostgreSQL the wall of migration 0006 is still open to a connection that set nothing,
as migrations run.
"""

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models

FILE_BATCH = 5_000
COPY_BATCH = 50


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_per_workspace(apps, schema_editor):
    Blob = apps.get_model("sessions_app", "Blob")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    users: dict[int, set[int]] = defaultdict(set)  # blob id → the workspaces whose files use it
    rows = SessionFile.objects.values_list("session__workspace_id", "before_id", "after_id")
    for workspace_id, before_id, after_id in rows.iterator(chunk_size=FILE_BATCH):
        for blob_id in (before_id, after_id):
            if blob_id is not None:
                users[blob_id].add(workspace_id)
    kept: dict[int, list[int]] = defaultdict(list)
    copies: list[tuple[int, int]] = []
    for blob_id, workspaces in users.items():
        first, *others = sorted(workspaces)
        kept[first].append(blob_id)
        copies += [(blob_id, workspace_id) for workspace_id in others]
    for workspace_id, blob_ids in kept.items():
        for batch in _batches(blob_ids, FILE_BATCH):
            Blob.objects.filter(pk__in=batch).update(workspace_id=workspace_id)
    for batch in _batches(copies, COPY_BATCH):
        originals = Blob.objects.in_bulk([blob_id for blob_id, _ in batch])
        made = Blob.objects.bulk_create(
            Blob(
                workspace_id=workspace_id,
                digest=originals[blob_id].digest,
                size=originals[blob_id].size,
                is_binary=originals[blob_id].is_binary,
                text=originals[blob_id].text,
                data=originals[blob_id].data,
            )
            for blob_id, workspace_id in batch
        )
        for (blob_id, workspace_id), copy in zip(batch, made, strict=True):
            files = SessionFile.objects.filter(session__workspace_id=workspace_id)
            files.filter(before_id=blob_id).update(before_id=copy.pk)
            files.filter(after_id=blob_id).update(after_id=copy.pk)
    Blob.objects.filter(workspace__isnull=True).delete()


def merge_across_workspaces(apps, schema_editor):
    """Backwards: one row per content again (the lowest id of each digest), files pointing at it."""
    if schema_editor.connection.vendor == "postgresql":
        # Check the foreign keys now: the digest's unique index comes next, in this same transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Blob = apps.get_model("sessions_app", "Blob")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    first_of: dict[str, int] = {}
    for blob_id, digest in Blob.objects.order_by("pk").values_list("pk", "digest").iterator(chunk_size=FILE_BATCH):
        kept = first_of.setdefault(digest, blob_id)
        if kept != blob_id:
            SessionFile.objects.filter(before_id=blob_id).update(before_id=kept)
            SessionFile.objects.filter(after_id=blob_id).update(after_id=kept)
            Blob.objects.filter(pk=blob_id).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0010_drop_blob_line_count"),
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="blob",
            name="workspace",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="workspaces.workspace",
            ),
        ),
        # Several workspaces may now hold the same digest; migration 0012 makes it unique per workspace.
        migrations.AlterField(model_name="blob", name="digest", field=models.CharField(max_length=64)),
        migrations.RunPython(split_per_workspace, merge_across_workspaces),
    ]
