"""Small things every client expects of the service's pages."""

import io

import pytest
from PIL import Image


@pytest.mark.django_db
def test_favicon_ico_is_an_icon(client):
    # It gave 404: the pages link an SVG icon, but some clients ask for /favicon.ico by that name.
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and icon.size == (64, 64)
