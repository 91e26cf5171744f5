"""moto's TransactWriteItems, rolled back item by item instead of by copying every table it touches.

moto backs a transaction up with `copy.deepcopy` of each whole table it writes to, so each transaction
costs time in proportion to the table (measured here: 40 ms with a few hundred items, 90 ms a few hundred
items later, against 2.6 ms for a PutItem): the local stack, whose one table holds every interview, would
slow down with each interview it has run. DynamoDB's own transactions cost the same whatever the table
holds. `install()` keeps moto's transaction logic (conditions, cancellation reasons, validation) as it is
and replaces only its backup: the items the transaction names are copied before it runs and put back if
it is cancelled.

Installed by the local stack and the benches that run a moto server in this process.
"""

from __future__ import annotations

import copy
import types
from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as backend_module
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    def deepcopy_but_tables(value: Any, memo: dict[int, Any] | None = None) -> Any:
        # The transaction's whole-table backup becomes the table itself: put_back below restores instead.
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    shim = types.ModuleType("copy_without_table_backups")
    shim.deepcopy = deepcopy_but_tables  # type: ignore[attr-defined]
    shim.copy = copy.copy  # type: ignore[attr-defined]
    backend_module.copy = shim
    original = DynamoDBBackend.transact_write_items

    def touched_items(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any, Any]]:
        touched = []
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = backend.tables.get(operation.get("TableName"))
            key = operation.get("Item") or operation.get("Key") or {}
            if table is None or table.hash_key_attr not in key:
                continue  # moto refuses it before anything is written
            hash_value = DynamoType(key[table.hash_key_attr])
            range_attr = table.range_key_attr
            if range_attr is not None and range_attr not in key:
                continue
            range_value = DynamoType(key[range_attr]) if range_attr is not None else None
            before = table.get_item(hash_value, range_value)
            touched.append((table, hash_value, range_value, copy.deepcopy(before)))
        return touched

    def put_back(touched: list[tuple[Any, Any, Any, Any]]) -> None:
        for table, hash_value, range_value, before in reversed(touched):
            if before is None:
                table.delete_item(hash_value, range_value)
            elif range_value is not None:
                table.items[hash_value][range_value] = before
            else:
                table.items[hash_value] = before

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        touched = touched_items(self, transact_items)
        try:
            original(self, transact_items)
        except Exception:
            put_back(touched)
            raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _installed = True
