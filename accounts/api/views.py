"""API sign-in: ``POST auth/token/`` (username, password → ``{"token": ...}``), ``DELETE auth/token/`` revokes it.

A token lives ``settings.API_TOKEN_TTL_SECONDS``; asking again after that gives a new one. Wrong passwords count
towards the lockout of the sign-in page (django-axes: 5 failures in 15 minutes per username and address)."""

import datetime

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..lockout import locked_out


class TokenView(ObtainAuthToken):
    """Exchange a username and password for a token; an expired token is replaced by a new one."""

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        # django-axes marks the request it was given (here DRF's) when the pair is locked out
        if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
            return locked_out(request)
        if not valid:
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        if timezone.now() - token.created > datetime.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: OpenApiResponse(description="the caller's token is revoked")})
    def delete(self, request, *args, **kwargs):
        if not (request.user and request.user.is_authenticated):
            return Response(status=status.HTTP_401_UNAUTHORIZED)
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []

    def get_authenticators(self):
        return APIView().get_authenticators()  # the default ones (token, session), so DELETE knows the caller
