"""Sessions in the Django admin: searchable and filterable; chat and files are read-only (imports own them)."""

from django.contrib import admin
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest

from alloy.visible import ShowsInvisibleCharacters
from sessions_app.models import Message, Session, SessionFile
from sessions_app.services import session_delete

INLINE_ROWS = 100


class ReadOnlyInline(admin.TabularInline):
    """The first rows only: a session can have 100,000 messages or 5,000 files (export has them all)."""

    extra = 0
    can_delete = False
    show_change_link = False
    ordering_field: str

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        rows = super().get_queryset(request).order_by(self.ordering_field)
        # Formsets cannot take a sliced queryset; a LIMITed subquery of ids gives the same rows.
        return rows.filter(pk__in=Subquery(rows.values("pk")[:INLINE_ROWS]))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class MessageInline(ReadOnlyInline):
    model = Message
    verbose_name_plural = f"messages (the first {INLINE_ROWS})"
    readonly_fields = ("index", "role", "author", "created_at", "content")
    fields = readonly_fields
    ordering_field = "index"


class SessionFileInline(ReadOnlyInline):
    model = SessionFile
    verbose_name_plural = f"files (the first {INLINE_ROWS} by path)"
    readonly_fields = ("path", "status", "language", "additions", "deletions", "media_type")
    fields = readonly_fields
    ordering_field = "path"


@admin.register(Session)
class SessionAdmin(ShowsInvisibleCharacters, admin.ModelAdmin):
    list_display = ["title", "public_id", "workspace", "kind", "status", "created_by", "updated_at"]
    list_filter = ["kind", "status", "workspace"]
    search_fields = ["title", "public_id", "workspace__slug", "created_by__email"]
    list_select_related = ["workspace", "created_by"]
    readonly_fields = ["public_id", "workspace", "kind", "created_by", "created_at", "updated_at", "link"]
    fields = ["title", "status", *readonly_fields]
    date_hierarchy = "updated_at"
    inlines = [MessageInline, SessionFileInline]

    @admin.display(description="link")
    def link(self, session: Session) -> str:
        return session.link()

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Sessions come from Alloy (import_sessions), not from hand-made admin forms.
        return False

    # Deleting goes through the service, which also drops the contents no other file uses.
    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        session_delete(session=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            session_delete(session=session)
