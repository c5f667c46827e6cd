"""The index for a database connection, chosen by its dialect."""

from __future__ import annotations

from sqlalchemy import Connection

from knowledge_base.postgres_index import PostgresIndex
from knowledge_base.sql_index import SqlIndex
from knowledge_base.sqlite_index import SqliteIndex


def index_for(connection: Connection) -> SqlIndex:
    """SQLite FTS5 or PostgreSQL full-text search, as the connection's database is."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        return SqliteIndex(connection)
    if dialect == "postgresql":
        return PostgresIndex(connection)
    raise ValueError(f"no knowledge-base index for {dialect} databases")
