"""Bounded uploads: a file over ``settings.UPLOAD_MAX_BYTES`` or an image over ``settings.UPLOAD_MAX_PIXELS``
is refused with a clear message before anything is saved.

``check_upload`` is the one check (the services call it, raising ``Invalid`` with a field error); the form
fields ``BoundedFileField`` and ``BoundedImageField`` run it before Django opens the file, so a decompression
bomb gets the same message rather than "not an image". PIL's ``MAX_IMAGE_PIXELS`` follows the setting
(``CoreConfig.ready``) so that nothing else decodes a bomb either.
"""

from __future__ import annotations

import warnings

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import Invalid


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_PIXELS", 40_000_000))


def apply_pil_limit() -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels()


def _pixels(file) -> int | None:
    """The image's width × height from its header (nothing is decoded); ``None`` when PIL cannot read it (the
    image field says so). A decompression bomb counts as too large."""
    from PIL import Image

    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
        return width * height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return max_pixels() + 1
    except Exception:  # noqa: BLE001 - not an image: the image field's own message
        return None
    finally:
        if position is not None:
            file.seek(position)


def check_upload(file, *, image: bool = False) -> str | None:
    """The reason ``file`` is refused, or ``None``."""
    if file is None:
        return None
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes():
        return _("The file is too large (%(size)s); at most %(max)s.") % {
            "size": filesizeformat(size),
            "max": filesizeformat(max_bytes()),
        }
    if image:
        pixels = _pixels(file)
        if pixels is not None and pixels > max_pixels():
            return _("The picture has too many pixels; at most %(n)s megapixels.") % {
                "n": f"{max_pixels() / 1_000_000:g}"
            }
    return None


def require_bounded(field: str, file, *, image: bool = False) -> None:
    """Raise ``Invalid`` with a field error when ``file`` is refused (services, before saving anything)."""
    reason = check_upload(file, image=image)
    if reason:
        raise Invalid({field: reason})


class BoundedFileField(forms.FileField):
    def to_python(self, data):
        value = super().to_python(data)
        reason = check_upload(value)
        if reason:
            raise forms.ValidationError(reason, code="too_large")
        return value


class BoundedImageField(forms.ImageField):
    def to_python(self, data):
        reason = check_upload(data, image=True) if data else None
        if reason:
            raise forms.ValidationError(reason, code="too_large")
        return super().to_python(data)
