"""Queries on projects, their API tokens and their applications."""

from __future__ import annotations

import sqlalchemy as sa

from numbersmith.store.database import Transaction
from numbersmith.store.schema import api_tokens, applications, projects

_INSERT_PROJECT = projects.insert().values(
    id=sa.bindparam("id"),
    name=sa.bindparam("name"),
    signing_key=sa.bindparam("signing_key"),
    date_created=sa.bindparam("date_created"),
)
_PROJECT = sa.select(projects.c.id, projects.c.name, projects.c.signing_key).where(
    projects.c.id == sa.bindparam("id")
)
_ANY_PROJECT = sa.select(projects.c.id).limit(1)
_INSERT_TOKEN = api_tokens.insert().values(
    token_hash=sa.bindparam("token_hash"),
    project_id=sa.bindparam("project_id"),
    scopes=sa.bindparam("scopes"),
    date_created=sa.bindparam("date_created"),
)
_TOKEN = sa.select(api_tokens.c.project_id, api_tokens.c.scopes).where(
    api_tokens.c.token_hash == sa.bindparam("token_hash")
)
_DELETE_TOKEN = api_tokens.delete().where(api_tokens.c.token_hash == sa.bindparam("token_hash"))
_INSERT_APPLICATION = applications.insert().values(
    sid=sa.bindparam("sid"),
    project_id=sa.bindparam("project_id"),
    friendly_name=sa.bindparam("friendly_name"),
    date_created=sa.bindparam("date_created"),
)
_APPLICATION = sa.select(applications.c.sid).where(
    applications.c.sid == sa.bindparam("sid"),
    applications.c.project_id == sa.bindparam("project_id"),
)


def insert_project(tx: Transaction, id: str, name: str, signing_key: str, now: int) -> None:
    tx.execute(_INSERT_PROJECT, id=id, name=name, signing_key=signing_key, date_created=now)


def get_project(tx: Transaction, id: str) -> tuple[str, str, str] | None:
    """(id, name, signing_key) of the project, if it exists."""
    row = tx.one(_PROJECT, id=id)
    return (row[0], row[1], row[2]) if row else None


def has_projects(tx: Transaction) -> bool:
    return tx.one(_ANY_PROJECT) is not None


def insert_token(tx: Transaction, token_hash: str, project_id: str, scopes: str, now: int) -> None:
    tx.execute(
        _INSERT_TOKEN, token_hash=token_hash, project_id=project_id, scopes=scopes, date_created=now
    )


def get_token(tx: Transaction, token_hash: str) -> tuple[str, str] | None:
    """(project_id, space-separated scopes) of the token, if it exists."""
    row = tx.one(_TOKEN, token_hash=token_hash)
    return (row[0], row[1]) if row else None


def delete_token(tx: Transaction, token_hash: str) -> bool:
    return tx.execute(_DELETE_TOKEN, token_hash=token_hash) > 0


def insert_application(
    tx: Transaction, sid: str, project_id: str, friendly_name: str, now: int
) -> None:
    tx.execute(
        _INSERT_APPLICATION,
        sid=sid,
        project_id=project_id,
        friendly_name=friendly_name,
        date_created=now,
    )


def application_exists(tx: Transaction, project_id: str, sid: str) -> bool:
    return tx.one(_APPLICATION, sid=sid, project_id=project_id) is not None
