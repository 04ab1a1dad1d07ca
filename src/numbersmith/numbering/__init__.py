"""Pure rules about phone numbers: parsing, formatting and the North American numbering plan.

Nothing here does I/O; everything is deterministic given its inputs.
"""

from numbersmith.numbering.e164 import InvalidNumber
from numbersmith.numbering.nanp import (
    TOLL_FREE_AREA_CODES,
    AreaCodeSpace,
    NumberNotSupplied,
    area_code_space,
    friendly_name,
    parse_e164,
)

__all__ = [
    "TOLL_FREE_AREA_CODES",
    "AreaCodeSpace",
    "InvalidNumber",
    "NumberNotSupplied",
    "area_code_space",
    "friendly_name",
    "parse_e164",
]
