"""The test suite's database backend: Django's PostgreSQL backend, flushed with DELETE instead of TRUNCATE.

A `django_db(transaction=True)` test ends with a flush of every table. TRUNCATE makes new files for each
table, index and TOAST table, about 0.2 s for this schema; the few rows a test leaves go in 0.02 s with
DELETE. The foreign keys Django makes are deferred to the end of the transaction, so the order does not
matter, and the triggers that keep the search tables run as they do for any delete.
"""

from typing import Any

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False) -> Any:
        if reset_sequences or allow_cascade:  # what only TRUNCATE does
            return super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
