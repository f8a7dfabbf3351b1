"""Uploaded photos and scans: checked by content, images re-encoded without EXIF, stored under random names.

Nothing uploaded is ever served by the web server directly: `file_response` streams a file through a view
that has already checked the user's scope, as an attachment (or inline for images) with nosniff.
"""

from __future__ import annotations

import io
import mimetypes
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}
THUMBNAIL_SIZE = (320, 320)
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest a phone takes; more is a decompression bomb


def upload_path(instance, filename: str) -> str:
    """A random name under a dated folder: the uploader's file name never reaches the disk."""
    ext = os.path.splitext(filename)[1].lower()[:5] or ".bin"
    return f"{instance._meta.app_label}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


def _check_size(upload) -> None:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file %(name)s is %(size).1f MB; at most %(max)d MB is allowed.")
            % {"name": upload.name, "size": upload.size / 1024 / 1024, "max": settings.UPLOAD_MAX_BYTES // 1024 // 1024},
            code="too_large",
        )


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, upload.size - 2048))
    tail = upload.read()
    upload.seek(0)
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def clean_image(upload) -> tuple[ContentFile, ContentFile]:
    """(re-encoded image, thumbnail) for a JPEG or PNG upload; anything else is refused with a message.

    Re-encoding drops EXIF (location, device) and anything appended to the file (HTML, scripts).
    """
    _check_size(upload)
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        if kind not in IMAGE_FORMATS:
            raise ValidationError(_("%(name)s is not a JPEG or PNG photo.") % {"name": upload.name}, code="type")
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": upload.name}, code="pixels")
            image = ImageOps.exif_transpose(image)
            if kind == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            data = io.BytesIO()
            image.save(data, format=kind, **({"quality": 88, "optimize": True} if kind == "JPEG" else {"optimize": True}))
            thumb = image.copy()
            thumb.thumbnail(THUMBNAIL_SIZE)
            if thumb.mode not in ("RGB", "L"):
                thumb = thumb.convert("RGB")
            thumb_data = io.BytesIO()
            thumb.save(thumb_data, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("%(name)s is not a JPEG or PNG photo.") % {"name": upload.name}, code="type") from None
    finally:
        upload.seek(0)
    ext = IMAGE_FORMATS[kind]
    return ContentFile(data.getvalue(), name=f"photo.{ext}"), ContentFile(thumb_data.getvalue(), name="thumb.jpg")


def clean_document(upload) -> tuple[ContentFile | object, str]:
    """A scanned letter or document: PDF, JPEG or PNG by content. Returns (file to store, kind)."""
    _check_size(upload)
    if _is_pdf(upload):
        upload.seek(0)
        return ContentFile(upload.read(), name="document.pdf"), "pdf"
    try:
        image, _thumb = clean_image(upload)
    except ValidationError:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": upload.name}, code="type"
        ) from None
    return image, "image"


def file_response(field_file, download_name: str, *, inline: bool = False) -> FileResponse:
    """Stream a stored file (already scope-checked by the caller) with safe headers."""
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"), as_attachment=not inline, filename=download_name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
