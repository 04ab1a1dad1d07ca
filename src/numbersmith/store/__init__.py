"""Storage: tables, migrations and queries. The only package that speaks SQL."""

from numbersmith.store.database import Database, DuplicateKey, Transaction

__all__ = ["Database", "DuplicateKey", "Transaction"]
