"""The content model and its validation: ``content/`` read into immutable values, every error with ``path:line``.

Owns the on-disk formats (YAML settings, matter files with front matter and
Markdown), the model every later stage reads, and the ``check`` command; a
folder of several lists is read by ``lists`` and made from a single list by
``migrate``.
"""
