"""The tables a package maps itself in the metadata of a declarative base it exports, added
once every model is read: an application whose models derive from that base creates them too
(``Base.metadata.create_all()``), though no file of the repository declares them. OneGov's
``Resource(ORMBase, ...)`` brings libres' ``reservations``, whose rows hold the e-mail address
of whoever booked. Only declarations name them (``ExternalClass.tables``): the reviewer cannot
know which of a package's modules its application imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reviewer.columns import ColumnBuilder


def add_package_tables(builder: ColumnBuilder) -> None:
    """Each declared package table, once, where the first class deriving from its base is
    (so a pull request that first derives from the base is the one told about the tables),
    unless the repository maps a table of that name itself (an application may replace a
    package's model with its own)."""
    mapped = {c.table for c in builder.columns}
    for _qual, (path, line, declared) in sorted(builder.package_bases.items()):
        for table in declared.tables:
            if table.name in mapped:
                continue
            mapped.add(table.name)
            builder.columns.extend(
                builder.declared_column(c, table.name, table.class_name, path, line)
                for c in table.columns)
