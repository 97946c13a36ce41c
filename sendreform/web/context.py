"""Template context every page needs: the service and local area names and the signed-in user's role."""

from django.conf import settings


def service(request):
    return {"service_name": settings.SERVICE_NAME, "local_area_name": settings.LOCAL_AREA_NAME}
