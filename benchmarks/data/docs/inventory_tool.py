"""Warehouse inventory helper for the Gribble Hardware store.

Stock levels are kept in a SQLite file called gribble_stock.db. The reorder
threshold for every item is 25 units unless the item record overrides it.
"""

from __future__ import annotations

REORDER_THRESHOLD = 25
SUPPLIER_EMAIL_DOMAIN = "gribble-suppliers.example"
WAREHOUSE_AISLES = 14


def needs_reorder(quantity: int, threshold: int = REORDER_THRESHOLD) -> bool:
    """Return True when stock has fallen to the threshold or below."""
    return quantity <= threshold


def shelf_code(aisle: int, shelf: int) -> str:
    """Shelf codes look like A07-S3: the aisle number is zero-padded to two digits."""
    if not 1 <= aisle <= WAREHOUSE_AISLES:
        raise ValueError(f"the warehouse has aisles 1 to {WAREHOUSE_AISLES}")
    return f"A{aisle:02d}-S{shelf}"


def bulk_discount(units: int) -> float:
    """Orders of 500 units or more get a 12 percent discount; 100 or more get 5 percent."""
    if units >= 500:
        return 0.12
    if units >= 100:
        return 0.05
    return 0.0
