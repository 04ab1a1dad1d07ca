"""Queries on projects, their API tokens and test credentials, and the database's flavour."""

from __future__ import annotations

import sqlalchemy as sa

from numbersmith.store.database import Transaction
from numbersmith.store.schema import api_tokens, projects, server_settings, test_credentials

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


_INSERT_TEST_CREDENTIALS = test_credentials.insert().values(
    account_sid=sa.bindparam("account_sid"),
    project_id=sa.bindparam("project_id"),
    token_hash=sa.bindparam("token_hash"),
    date_created=sa.bindparam("date_created"),
)
_TEST_CREDENTIALS = sa.select(test_credentials.c.account_sid, test_credentials.c.project_id).where(
    test_credentials.c.token_hash == sa.bindparam("token_hash")
)
_SETTING = sa.select(server_settings.c.value).where(server_settings.c.name == sa.bindparam("name"))
_INSERT_SETTING = server_settings.insert().values(
    name=sa.bindparam("name"), value=sa.bindparam("value")
)


def insert_test_credentials(
    tx: Transaction, account_sid: str, project_id: str, token_hash: str, now: int
) -> None:
    tx.execute(
        _INSERT_TEST_CREDENTIALS,
        account_sid=account_sid,
        project_id=project_id,
        token_hash=token_hash,
        date_created=now,
    )


def get_test_credentials(tx: Transaction, token_hash: str) -> tuple[str, str] | None:
    """(test account sid, project id) of the test auth token, if it exists."""
    row = tx.one(_TEST_CREDENTIALS, token_hash=token_hash)
    return (row[0], row[1]) if row else None


def get_setting(tx: Transaction, name: str) -> str | None:
    row = tx.one(_SETTING, name=name)
    return row[0] if row else None


def insert_setting(tx: Transaction, name: str, value: str) -> None:
    tx.execute(_INSERT_SETTING, name=name, value=value)
