from .services import categories_ensure


def community_created(sender, instance, created, raw=False, **kwargs):
    """Every new community starts with the default categories (DESIGN §5: its Open311 service
    list is never empty), however it was created: API, admin, import or demo."""
    if created and not raw:
        categories_ensure(community=instance)
