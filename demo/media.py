"""Demo pictures and documents: station layout pictures, deputies' photos, and the "three musts" documents.

Most stations and deputies get them; a deterministic few do not, so the evaluation (A1, A4, B1) has gaps to
find. Pictures are drawn with Pillow (the layout as a simple floor plan, a photo as a portrait card with the
surname), with the CJK font the PDFs use; documents are one shared PDF per kind.
"""

from __future__ import annotations

import datetime
import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from deputies.models import Deputy
from stations.models import Station, StationDocument

COLOURS = ["#a4161a", "#1d4e89", "#2a9d8f", "#6d597a", "#bc6c25", "#386641"]
DOCUMENTS = [
    (StationDocument.Kind.WORK_SYSTEM, "人大代表联络站工作制度", datetime.date(2022, 5, 1), None),
    (StationDocument.Kind.WORK_PLAN, "2025年度工作计划", datetime.date(2025, 1, 10), 2025),
    (StationDocument.Kind.WORK_PLAN, "2026年度工作计划", datetime.date(2026, 1, 12), 2026),
    (StationDocument.Kind.LEDGER, "工作台账（电子）", datetime.date(2022, 5, 1), None),
]


def _chosen(key: str, percent: int) -> bool:
    """A stable yes for ``percent`` % of keys (the same on every run and machine)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100 < percent


def _font(size: int):
    from core.pdf import _embedded_font_path

    path = _embedded_font_path()
    return ImageFont.truetype(str(path), size, index=0) if path else ImageFont.load_default()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def layout_picture(station: Station) -> bytes:
    """A simple floor plan: reception room, deputies' room, notice wall, entrance."""
    image = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(22), _font(16)
    draw.rectangle([20, 20, 620, 380], outline="#333", width=4)
    rooms = [
        ((30, 30, 320, 230), "接待室"),
        ((330, 30, 610, 230), "代表工作室"),
        ((30, 240, 320, 370), "学习交流区"),
        ((330, 240, 610, 370), "公示栏"),
    ]
    for (x0, y0, x1, y1), label in rooms:
        draw.rectangle([x0, y0, x1, y1], outline="#a4161a", width=2)
        draw.text((x0 + 12, y0 + 10), label, fill="#222", font=font)
    draw.rectangle([280, 372, 360, 380], fill="#2a9d8f")
    draw.text((30, 342), station.name, fill="#555", font=small)
    return _png(image)


def portrait(deputy: Deputy) -> bytes:
    colour = COLOURS[int(hashlib.sha256(deputy.ref.encode()).hexdigest()[:4], 16) % len(COLOURS)]
    image = Image.new("RGB", (180, 240), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse([45, 40, 135, 130], fill="#f1e3d3")
    draw.rectangle([30, 140, 150, 240], fill="#f1e3d3")
    draw.text((72, 160), deputy.name[:1], fill=colour, font=_font(40))
    return _png(image)


def seed(ctx) -> None:
    stations = [s for s in Station.objects.filter(layout_picture="").order_by("code") if _chosen(s.code, 85)]
    for station in stations:
        station.layout_picture.save(f"{station.code}.png", ContentFile(layout_picture(station)), save=False)
    Station.objects.bulk_update(stations, ["layout_picture"], batch_size=500)

    deputies = [d for d in Deputy.objects.filter(photo="").order_by("ref") if _chosen(d.ref, 88)]
    for deputy in deputies:
        deputy.photo.save(f"{deputy.ref}.png", ContentFile(portrait(deputy)), save=False)
    Deputy.objects.bulk_update(deputies, ["photo"], batch_size=1000)

    files = {}
    have = set(StationDocument.objects.values_list("station_id", "kind", "year"))
    documents = []
    for station_id, code in Station.objects.order_by("code").values_list("pk", "code"):
        for kind, title, effective, year in DOCUMENTS:
            if (station_id, kind, year) in have or not _chosen(f"{code}:{kind}:{year}", 90):
                continue
            if kind not in files:
                from core import pdf

                data = pdf.render(title=title, blocks=[pdf.Text("（示范文本）")])
                files[kind] = default_storage.save(f"stations/documents/demo-{kind}.pdf", ContentFile(data))
            documents.append(
                StationDocument(
                    station_id=station_id,
                    kind=kind,
                    title=title,
                    year=year,
                    version=1 if kind != StationDocument.Kind.WORK_PLAN else year - 2024,
                    effective_date=effective,
                    file=files[kind],
                )
            )
    StationDocument.objects.bulk_create(documents, batch_size=1000)
    ctx.say(f"media: {len(stations)} layout pictures, {len(deputies)} photos, {len(documents)} documents")
