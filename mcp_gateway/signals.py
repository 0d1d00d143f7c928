"""Cached credentials are forgotten whenever a key row goes away, however it goes (admin, cascade)."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from mcp_gateway.models import McpKey
from mcp_gateway.services import forget_key


@receiver(post_delete, sender=McpKey)
def forget_deleted_key(sender: type[McpKey], instance: McpKey, **kwargs: Any) -> None:
    forget_key(instance)
