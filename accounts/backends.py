"""Signing in with a username and password, as Django's ModelBackend does."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UnitModelBackend(ModelBackend):
    """Loads the signed-in user together with their unit: every page shows it and most scopes start from it."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("unit").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
