"""Static site generator for township duty lists (履职事项清单).

The pipeline is load → validate → render → write; each stage has its own
module (``loader``, ``validate``, ``render``, ``writer``) and ``build`` wires
them together. ``importer`` turns the official table into content files.
"""
