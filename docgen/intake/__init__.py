"""The intake stage: files and request bodies → plain values, with findings that say where.

It knows no kind. A kind describes its table as data (:class:`tables.TableSpec`: columns with
their header names and cell converters, and how a row becomes a record); the intake opens the
file, finds the header, maps the columns and converts the cells.

- :mod:`.jsondata`: the one JSON decoder;
- :mod:`.cells`: one rule per cell type (text, date, yes/no, choice, number, list of units);
- :mod:`.tables`: .xlsx / .csv files and JSON records → rows of named values.
"""
