"""API authentication: tokens that expire (``settings.API_TOKEN_TTL_SECONDS``) and can be revoked.

A module of its own: DRF imports its authentication classes while it loads, before ``core.api`` can be."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <t>``; a token older than the TTL no longer works (the client asks
    ``auth/token/`` for a new one), and a revoked one is gone."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if timezone.now() - token.created > datetime.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS):
            raise exceptions.AuthenticationFailed(_("The token has expired; ask for a new one."))
        return user, token
