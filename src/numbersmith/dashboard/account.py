"""Signing in with a project id and an API token, and signing out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from numbersmith.dashboard import sessions
from numbersmith.dashboard.site import NUMBERS_SCOPE, PREFIX, Site
from numbersmith.provisioning import accounts


def _next(target: object) -> str:
    """Where to go after signing in: a page of the dashboard, nowhere else."""
    if isinstance(target, str) and target.startswith(PREFIX + "/") and not target.startswith("//"):
        return target
    return PREFIX + "/numbers"


def _cookie(response: Response, value: str) -> None:
    response.set_cookie(
        sessions.COOKIE,
        value,
        max_age=sessions.MAX_AGE,
        path=PREFIX,
        httponly=True,
        samesite="strict",
    )


class Account:
    def __init__(self, site: Site) -> None:
        self.site = site

    async def sign_in_form(self, request: Request) -> Response:
        if await self.site.visitor(request) is not None:
            return RedirectResponse(_next(request.query_params.get("next")), 303)
        context = {
            "title": "Sign in",
            "next": _next(request.query_params.get("next")),
            "error": None,
            "project_id": "",
        }
        return self.site.render(request, "sign_in.html", context)

    async def sign_in(self, request: Request) -> Response:
        form = await request.form()
        project_id = str(form.get("project_id") or "").strip()
        token = str(form.get("api_token") or "").strip()
        target = _next(form.get("next"))
        principal = None
        if project_id and token and len(project_id) <= 64 and len(token) <= 256:
            principal = await accounts.authenticate(self.site.db, project_id, token)
        if principal is None or NUMBERS_SCOPE not in principal.scopes:
            error = (
                "That project id and API token do not match."
                if principal is None
                else "That token does not hold the numbers scope the dashboard needs."
            )
            context = {"title": "Sign in", "next": target, "error": error, "project_id": project_id}
            return self.site.render(request, "sign_in.html", context, status=401)
        key = await self.site.signing_key(principal.project_id)
        assert key is not None  # the project exists: its token was found
        session = sessions.new(principal.project_id, accounts.token_digest(token))
        response = RedirectResponse(target, 303)
        _cookie(response, sessions.encode(session, key))
        return response

    async def sign_out(self, request: Request) -> Response:
        found = await self.site.session_of(request)
        form = await request.form()
        given = form.get("csrf_token")
        if found is not None:
            session, key = found
            if not sessions.csrf_valid(session, key, given if isinstance(given, str) else None):
                return self.site.problem(
                    request,
                    403,
                    "Form refused",
                    "This form was sent without its security token. You are still signed in.",
                )
        response = RedirectResponse(PREFIX + "/sign-in", 303)
        response.delete_cookie(sessions.COOKIE, path=PREFIX, httponly=True, samesite="strict")
        return response
