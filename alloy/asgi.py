"""The ASGI entry point served by uvicorn (`alloy.asgi:application`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alloy.settings")

application = get_asgi_application()
