"""The dashboard's routes: added after the API's, so API requests never reach them."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from numbersmith.api.auth import Authenticator
from numbersmith.dashboard.account import Account
from numbersmith.dashboard.applications import Applications
from numbersmith.dashboard.deliveries import Deliveries
from numbersmith.dashboard.inventory import Inventory
from numbersmith.dashboard.numbers import Buying, Numbers
from numbersmith.dashboard.site import OPERATOR_SCOPE, PREFIX, Pages, Site, action, page
from numbersmith.flavors import Flavor
from numbersmith.provisioning.supply import Supply
from numbersmith.store import Database
from numbersmith.traffic.simulation import Simulator

STATIC = Path(__file__).parent / "static"

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>numbersmith</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/dashboard/static/style.css"></head>
<body><main class="home"><h1>numbersmith</h1>
<p>A self-hosted phone-number service speaking SignalWire's Compatibility API.</p>
<ul><li><a href="/dashboard">Dashboard</a>: your numbers, their traffic and the inventory</li>
<li><a href="/docs">API documentation</a> (<a href="/openapi.json">OpenAPI document</a>)</li></ul>
</main></body></html>"""


async def _home(request: Request) -> Response:
    return HTMLResponse(_HOME)


def routes(
    db: Database,
    auth: Authenticator,
    supply: Supply,
    supply_name: str,
    simulator: Simulator,
    flavor: Flavor,
) -> list[BaseRoute]:
    """``/`` and everything under ``/dashboard``."""
    site = Site(db, auth, supply, supply_name, simulator, flavor)
    account = Account(site)
    numbers = Numbers(site)
    buying = Buying(site)
    apps = Applications(site)
    deliveries = Deliveries(site)
    stock = Inventory(site)

    async def start(request: Request) -> Response:
        return RedirectResponse(PREFIX + "/numbers", 303)

    pages: list[BaseRoute] = [
        Route("/", start, methods=["GET"]),
        Route("/sign-in", account.sign_in_form, methods=["GET"]),
        Route("/sign-in", account.sign_in, methods=["POST"]),
        Route("/sign-out", account.sign_out, methods=["POST"]),
        Route("/numbers", page(site, numbers.list), methods=["GET"]),
        Route("/numbers/{sid}", page(site, numbers.show), methods=["GET"]),
        Route("/numbers/{sid}", action(site, numbers.update), methods=["POST"]),
        Route("/numbers/{sid}/release", page(site, numbers.confirm_release), methods=["GET"]),
        Route("/numbers/{sid}/release", action(site, numbers.release), methods=["POST"]),
        Route("/numbers/{sid}/messages", action(site, numbers.send_message), methods=["POST"]),
        Route("/numbers/{sid}/calls", action(site, numbers.place_call), methods=["POST"]),
        Route("/buy", page(site, buying.show), methods=["GET"]),
        Route("/buy", action(site, buying.buy), methods=["POST"]),
        Route("/deliveries", page(site, deliveries.list), methods=["GET"]),
        Route("/applications", page(site, apps.list, "applications"), methods=["GET"]),
        Route("/applications", action(site, apps.create, "applications"), methods=["POST"]),
        Route("/applications/new", page(site, apps.new, "applications"), methods=["GET"]),
        Route("/applications/{sid}", page(site, apps.show, "applications"), methods=["GET"]),
        Route("/applications/{sid}", action(site, apps.update, "applications"), methods=["POST"]),
        Route(
            "/applications/{sid}/delete",
            page(site, apps.confirm_delete, "applications"),
            methods=["GET"],
        ),
        Route(
            "/applications/{sid}/delete",
            action(site, apps.delete, "applications"),
            methods=["POST"],
        ),
        Route("/inventory", page(site, stock.show, OPERATOR_SCOPE), methods=["GET"]),
        Route("/inventory", action(site, stock.import_file, OPERATOR_SCOPE), methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="dashboard-static"),
    ]
    return [
        Route("/", _home, methods=["GET"]),
        Route(PREFIX, start, methods=["GET"]),
        Mount(PREFIX, app=Pages(site, pages)),
    ]
