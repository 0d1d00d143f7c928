from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    label = "sessions_app"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from alloy.database_roles import grant_serving_privileges

        # After every migrate (every app's migrations have run by then): the serving role's privileges.
        post_migrate.connect(grant_serving_privileges, sender=self, dispatch_uid="grant_serving_privileges")
