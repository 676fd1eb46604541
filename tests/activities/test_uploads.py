"""Uploads are bounded: a file over ``UPLOAD_MAX_BYTES`` or a picture over ``UPLOAD_MAX_PIXELS`` (a
decompression bomb included) is refused with a clear field error and nothing is saved — at the desk, through the
API, in the services and in the admin (activity photos, station documents)."""

import io

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from activities.models import Activity, ActivityPhoto
from activities.services import activity_add_photo, activity_create
from core.errors import Invalid
from core.uploads import BoundedFileField, BoundedImageField, check_upload
from stations.admin import StationDocumentInline
from stations.models import Station

pytestmark = pytest.mark.django_db


def png(width: int, height: int, name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def oversize(name: str = "big.jpg", size: int = 2048) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff" * size, content_type="image/jpeg")


@pytest.fixture
def limits(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    settings.UPLOAD_MAX_PIXELS = 10_000
    return settings


def test_the_defaults_are_10_mb_and_40_megapixels():
    from django.conf import settings

    assert settings.UPLOAD_MAX_BYTES == 10 * 1024 * 1024 and settings.UPLOAD_MAX_PIXELS == 40_000_000
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_MAX_PIXELS


def test_check_upload(limits):
    limits.UPLOAD_MAX_BYTES = 100_000
    assert check_upload(png(50, 50), image=True) is None
    assert "pixels" in check_upload(png(200, 100), image=True)
    assert "too large" in check_upload(oversize(size=200_000))
    assert check_upload(SimpleUploadedFile("x.png", b"not an image"), image=True) is None  # the image field says


def test_a_decompression_bomb_is_refused_with_the_same_message(limits, monkeypatch):
    limits.UPLOAD_MAX_BYTES = 100_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)  # 200×100 is more than twice that: PIL raises
    with pytest.raises(forms.ValidationError, match="too many pixels"):
        BoundedImageField().clean(png(200, 100))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)  # between once and twice: PIL only warns
    with pytest.raises(forms.ValidationError, match="too many pixels"):
        BoundedImageField().clean(png(200, 100))


def test_the_desk_refuses_a_large_photo_and_saves_nothing(client, demo_user, limits):
    limits.UPLOAD_MAX_BYTES = 100_000
    client.force_login(demo_user("officer"))
    body = {"kind": "training", "date": timezone.localdate().isoformat(), "title": "大照片", "people_reached": 1}
    response = client.post("/desk/activities/", {**body, "photo": png(200, 100)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "too many pixels" in response.content.decode()
    assert "photo" in response.context["form"].errors
    limits.UPLOAD_MAX_BYTES = 1000
    response = client.post("/desk/activities/", {**body, "photo": oversize()}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "too large" in response.content.decode()
    assert not Activity.objects.filter(title="大照片").exists()


def test_the_api_refuses_a_large_photo_with_a_field_error(login_api, demo_user, limits):
    limits.UPLOAD_MAX_BYTES = 100_000
    api = login_api(demo_user("officer"))
    activity = Activity.objects.filter(station__code="YL-001").first()
    before = ActivityPhoto.objects.count()
    response = api.post(f"/api/v1/activities/{activity.pk}/photos/", {"image": png(200, 100)}, format="multipart")
    assert response.status_code == 400 and "too many pixels" in str(response.json()["image"])
    limits.UPLOAD_MAX_BYTES = 1000
    response = api.post(f"/api/v1/activities/{activity.pk}/photos/", {"image": oversize()}, format="multipart")
    assert response.status_code == 400 and "too large" in str(response.json()["image"])
    assert ActivityPhoto.objects.count() == before


def test_the_services_refuse_large_photos_before_saving(demo_user, limits):
    officer = demo_user("officer")
    station = Station.objects.get(code="YL-001")
    with pytest.raises(Invalid) as refused:
        activity_create(station=station, kind="training", date=timezone.localdate(), title="服务大照片",
                        by=officer, photos=[oversize()])  # fmt: skip
    assert "too large" in refused.value.fields["photo"][0]
    assert not Activity.objects.filter(title="服务大照片").exists()
    activity = Activity.objects.filter(station=station).first()
    limits.UPLOAD_MAX_BYTES = 100_000
    with pytest.raises(Invalid):
        activity_add_photo(activity=activity, image=png(200, 100), by=officer)


def test_station_documents_in_the_admin_are_bounded(rf, demo_user, limits):
    inline = StationDocumentInline(Station, admin.site)
    request = rf.get("/admin/")
    request.user = demo_user("admin")
    field = inline.get_formset(request).form.base_fields["file"]
    assert isinstance(field, BoundedFileField)
    with pytest.raises(forms.ValidationError, match="too large"):
        field.clean(oversize("制度.pdf"))
    assert field.clean(SimpleUploadedFile("制度.pdf", b"%PDF-1.4 small")) is not None
