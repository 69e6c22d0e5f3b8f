"""Import: an official table (text, Excel, Word, saved web page) → matter files, as one transaction.

Owns reading the table formats (``readers``), finding the list in a table's
rows, turning a cell into structured duties, stable matter ids, and the
``import`` command.
"""
