"""Routes of the Applications resource: create, list, fetch, update, delete."""

from __future__ import annotations

import builtins

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from numbersmith.api import forms, paging
from numbersmith.api.auth import Authenticator
from numbersmith.api.representation import SIGNALWIRE_REPRESENTATION, Representation, json_response
from numbersmith.api.routing import SUFFIX, resource
from numbersmith.provisioning import applications
from numbersmith.provisioning import errors as provisioning_errors
from numbersmith.store import Database

#: SignalWire lets a token with any of its Voice, Messaging or Fax scopes manage applications
#: (here calling, messaging and fax); not the numbers scope alone.
SCOPES = frozenset({"calling", "messaging", "fax"})


def _sid(request: Request) -> str:
    sid: str = request.path_params["sid"].removesuffix(".json")
    if len(sid) > 64 or "\x00" in sid:
        # No application has such a sid, and PostgreSQL refuses NUL in a string parameter.
        raise provisioning_errors.NoSuchApplication(sid)
    return sid


class Applications:
    """The resource's endpoints, bound to one database."""

    def __init__(
        self,
        db: Database,
        auth: Authenticator,
        representation: Representation = SIGNALWIRE_REPRESENTATION,
    ) -> None:
        self.db = db
        self.auth = auth
        self.representation = representation
        self.render = representation.application
        self.flavor = representation.flavor

    async def _project(self, request: Request) -> str:
        return await self.auth.authorize_any(request, request.path_params["account_sid"], SCOPES)

    async def create(self, request: Request) -> Response:
        project = await self._project(request)
        settings = forms.decode(forms.APPLICATION, await forms.read_form(request))
        created = await applications.create(
            self.db,
            project,
            settings,
            flavor=self.flavor,
        )
        return json_response(self.render(created), 201)

    async def list(self, request: Request) -> Response:
        project = await self._project(request)
        query = request.query_params
        filters = forms.APPLICATION_LIST_FILTERS
        friendly_name = forms.decode(filters, query).get("friendly_name")
        echoed = [(p.wire, query[p.wire]) for p in filters if p.wire in query]
        page = paging.page_request(query)
        found, more = await applications.page(
            self.db, project, friendly_name, size=page.size, after=page.after, before=page.before
        )
        body = paging.envelope(
            path=self.representation.applications_path(project) + ".json",
            records_key="applications",
            records=[self.render(found_one) for found_one in found],
            row_ids=[found_one.id for found_one in found],
            request=page,
            filters=echoed,
            has_newer=more if page.before is not None else page.after is not None,
            has_older=True if page.before is not None else more,
            bounds=self.representation.page_bounds,
        )
        return json_response(body)

    async def fetch(self, request: Request) -> Response:
        project = await self._project(request)
        return json_response(self.render(await applications.fetch(self.db, project, _sid(request))))

    async def update(self, request: Request) -> Response:
        project = await self._project(request)
        settings = forms.decode(forms.APPLICATION, await forms.read_form(request))
        updated = await applications.update(
            self.db, project, _sid(request), settings, flavor=self.flavor
        )
        return json_response(self.render(updated))

    async def delete(self, request: Request) -> Response:
        project = await self._project(request)
        await applications.delete(self.db, project, _sid(request))
        return Response(status_code=204)

    def routes(self) -> builtins.list[Route]:
        prefix = self.representation.flavor.route_prefix
        collection = f"{prefix}/Accounts/{{account_sid}}/Applications"
        return [
            resource(collection + SUFFIX, GET=self.list, POST=self.create),
            # The sid segment may end in .json; _sid strips it.
            resource(collection + "/{sid}", GET=self.fetch, POST=self.update, DELETE=self.delete),
        ]
