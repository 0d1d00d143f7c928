"""Diffs a reviewer reads: each changed file's place in review order, and renames found by similarity.

Imports now fold a deleted file and the added file it became into one renamed file and store where a
reviewer reads each change (sessions_app/renames.py, sessions_app/review_order.py). This gives the
sessions already stored the same: their dev files get their review order (by path, binary flag and lines
changed; a minified file with an ordinary name is recognised by its content only when imported again), and
their deleted and added files are paired by the same rules. Through the ORM, for PostgreSQL and SQLite.
"""

from collections import defaultdict

from django.db import migrations, models

from sessions_app.diffs import count_changes
from sessions_app.generated import generated_kind
from sessions_app.renames import Side, find_renames
from sessions_app.review_order import review_order

BATCH = 2_000


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('alloy.all_workspaces', 'on', true)")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    Session = apps.get_model("sessions_app", "Session")
    dev_files = SessionFile.objects.filter(session__kind="dev")
    _fold_renames(SessionFile, Session, dev_files)
    changed = []
    rows = dev_files.select_related("before", "after").defer("before__text", "before__data", "after__text", "after__data")
    for file in rows.iterator(chunk_size=BATCH):
        binary = any(blob is not None and blob.is_binary for blob in (file.before, file.after))
        file.review_order = review_order(
            file.path,
            binary=binary,
            generated=generated_kind(file.path) is not None,
            changed_lines=(file.additions or 0) + (file.deletions or 0),
        )
        changed.append(file)
        if len(changed) >= BATCH:
            SessionFile.objects.bulk_update(changed, ["review_order"])
            changed = []
    SessionFile.objects.bulk_update(changed, ["review_order"])


def _fold_renames(SessionFile, Session, dev_files):
    sides = defaultdict(lambda: ([], []))  # session id → (deleted, added)
    rows = dev_files.filter(models.Q(after__isnull=True) | models.Q(before__isnull=True)).select_related("before", "after")
    for file in rows.iterator(chunk_size=BATCH):
        blob = file.before if file.after_id is None else file.after
        side = Side(path=file.path, digest=blob.digest, size=blob.size, text=None if blob.is_binary else blob.text)
        sides[file.session_id][0 if file.after_id is None else 1].append((side, file))
    for session_id, (deleted, added) in sides.items():
        if not deleted or not added:
            continue
        old_files = {side.path: file for side, file in deleted}
        new_files = {side.path: file for side, file in added}
        texts = {side.path: side.text for side, _ in deleted + added}
        renames = find_renames(deleted=[side for side, _ in deleted], added=[side for side, _ in added])
        for rename in renames:
            old, new = old_files[rename.old_path], new_files[rename.new_path]
            before, after = texts[rename.old_path], texts[rename.new_path]
            counts = count_changes(before=before, after=after) if before is not None and after is not None else None
            new.before_id = old.before_id
            new.status, new.renamed_from, new.similarity = "renamed", rename.old_path, rename.similarity
            new.additions, new.deletions = counts if counts is not None else (None, None)
            new.save(update_fields=["before", "status", "renamed_from", "similarity", "additions", "deletions"])
            old.delete()
        if renames:
            Session.objects.filter(pk=session_id).update(file_count=models.F("file_count") - len(renames))


def backward(apps, schema_editor):
    """Back to a deleted file and an added one for each rename (the columns themselves go with the fields)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('alloy.all_workspaces', 'on', true)")
    SessionFile = apps.get_model("sessions_app", "SessionFile")
    Session = apps.get_model("sessions_app", "Session")
    for file in SessionFile.objects.filter(status="renamed").iterator(chunk_size=BATCH):
        SessionFile.objects.create(
            session_id=file.session_id,
            workspace_id=file.workspace_id,
            path=file.renamed_from,
            language=file.language,
            media_type=file.media_type,
            status="deleted",
            before_id=file.before_id,
        )
        SessionFile.objects.filter(pk=file.pk).update(status="added", before=None, renamed_from="", similarity=None)
        Session.objects.filter(pk=file.session_id).update(file_count=models.F("file_count") + 1)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' foreign keys now: the columns are dropped next, in this same transaction, and
        # PostgreSQL alters no table with checks still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0012_contents_walled"),
        ("workspaces", "0002_user_diff_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="sessionfile",
            name="renamed_from",
            field=models.CharField(blank=True, max_length=1024),
        ),
        migrations.AddField(
            model_name="sessionfile",
            name="review_order",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="sessionfile",
            name="similarity",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="sessionfile",
            name="status",
            field=models.CharField(
                blank=True,
                choices=[("added", "Added"), ("modified", "Modified"), ("deleted", "Deleted"), ("renamed", "Renamed")],
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="sessionfile",
            index=models.Index(fields=["session", "review_order", "path"], name="sessionfile_review_order"),
        ),
        migrations.RunPython(forward, backward),
    ]
