"""Queries on projects and their API tokens."""

from __future__ import annotations

import sqlalchemy as sa

from numbersmith.store.database import Transaction
from numbersmith.store.schema import api_tokens, projects

_INSERT_PROJECT = projects.insert().values(
    id=sa.bindparam("id"),
    name=sa.bindparam("name"),
    signing_key=sa.bindparam("signing_key"),
    date_created=sa.bindparam("date_created"),
)
_PROJECT = sa.select(projects.c.id, projects.c.name, projects.c.signing_key).where(
    projects.c.id == sa.bindparam("id")
)
_UPDATE_PROJECT = (
    projects.update()
    .where(projects.c.id == sa.bindparam("project_id"))
    .values(name=sa.bindparam("name"), signing_key=sa.bindparam("signing_key"))
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


def insert_project(tx: Transaction, id: str, name: str, signing_key: str, now: int) -> None:
    tx.execute(_INSERT_PROJECT, id=id, name=name, signing_key=signing_key, date_created=now)


def get_project(tx: Transaction, id: str) -> tuple[str, str, str] | None:
    """(id, name, signing_key) of the project, if it exists."""
    row = tx.one(_PROJECT, id=id)
    return (row[0], row[1], row[2]) if row else None


def update_project(tx: Transaction, id: str, name: str, signing_key: str) -> None:
    tx.execute(_UPDATE_PROJECT, project_id=id, name=name, signing_key=signing_key)


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
