"""The content model and its validation: ``content/`` read into immutable values, every error with ``path:line``.

Owns the on-disk formats (YAML settings, matter files with front matter and
Markdown), the model every later stage reads, and the ``check`` command.
"""
