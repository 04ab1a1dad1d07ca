"""The project's applications: list, create, edit, delete."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from numbersmith.dashboard import words
from numbersmith.dashboard.site import PREFIX, Site, Visitor
from numbersmith.provisioning import applications
from numbersmith.provisioning.errors import ProvisioningError
from numbersmith.provisioning.model import METHODS, Application

PAGE_SIZE = 50
URL_FIELDS = (
    ("voice_url", "Voice URL", "voice_method"),
    ("voice_fallback_url", "Voice fallback URL", "voice_fallback_method"),
    ("status_callback", "Status callback URL", "status_callback_method"),
    ("sms_url", "SMS URL", "sms_method"),
    ("sms_fallback_url", "SMS fallback URL", "sms_fallback_method"),
    ("sms_status_callback", "SMS status callback URL", "sms_status_callback_method"),
)


def _settings(form: FormData) -> dict[str, Any]:
    settings: dict[str, Any] = {"friendly_name": str(form.get("friendly_name") or "").strip()}
    for url, _, method in URL_FIELDS:
        settings[url] = str(form.get(url) or "").strip()
        settings[method] = str(form.get(method) or "POST")
    settings["voice_caller_id_lookup"] = form.get("voice_caller_id_lookup") == "on"
    return settings


class Applications:
    def __init__(self, site: Site) -> None:
        self.site = site

    def _form(
        self,
        request: Request,
        visitor: Visitor,
        application: Application | None,
        values: dict[str, Any],
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        title = f"Application {application.friendly_name}" if application else "New application"
        context = {
            "title": title,
            "application": application,
            "values": values,
            "url_fields": URL_FIELDS,
            "methods": sorted(METHODS),
            "error": error,
        }
        return self.site.render(
            request, "application.html", context, visitor=visitor, status=status
        )

    async def list(self, request: Request, visitor: Visitor) -> Response:
        found, _ = await applications.page(self.site.db, visitor.project_id, None, size=PAGE_SIZE)
        context = {"title": "Applications", "applications": found}
        return self.site.render(request, "applications.html", context, visitor=visitor)

    async def new(self, request: Request, visitor: Visitor) -> Response:
        return self._form(request, visitor, None, {})

    async def create(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        settings = _settings(form)
        try:
            await applications.create(
                self.site.db, visitor.project_id, settings, flavor=self.site.flavor
            )
        except ProvisioningError as error:
            return self._form(
                request, visitor, None, settings, words.refusal(error, request.url.path), 400
            )
        return RedirectResponse(f"{PREFIX}/applications", 303)

    async def show(self, request: Request, visitor: Visitor) -> Response:
        application = await applications.fetch(
            self.site.db, visitor.project_id, request.path_params["sid"]
        )
        return self._form(request, visitor, application, {})

    async def update(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        sid = request.path_params["sid"]
        settings = _settings(form)
        try:
            await applications.update(
                self.site.db, visitor.project_id, sid, settings, flavor=self.site.flavor
            )
        except ProvisioningError as error:
            application = await applications.fetch(self.site.db, visitor.project_id, sid)
            return self._form(
                request, visitor, application, settings, words.refusal(error, request.url.path), 400
            )
        return RedirectResponse(f"{PREFIX}/applications", 303)

    async def confirm_delete(self, request: Request, visitor: Visitor) -> Response:
        application = await applications.fetch(
            self.site.db, visitor.project_id, request.path_params["sid"]
        )
        context = {"title": f"Delete {application.friendly_name}", "application": application}
        return self.site.render(request, "delete_application.html", context, visitor=visitor)

    async def delete(self, request: Request, visitor: Visitor, form: FormData) -> Response:
        await applications.delete(self.site.db, visitor.project_id, request.path_params["sid"])
        return RedirectResponse(f"{PREFIX}/applications", 303)
