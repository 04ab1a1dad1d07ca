"""Storage: tables, migrations and queries. The only package that speaks SQL."""

from numbersmith.store.database import Database, DuplicateKey, Transaction
from numbersmith.store.faults import DatabaseUnavailable, Fault

__all__ = ["Database", "DatabaseUnavailable", "DuplicateKey", "Fault", "Transaction"]
