"""The build engine: runs load → validate → render → write on every core, rebuilds only what changed, serves a preview.

Owns the stages and their parallel workers, the build cache, writing the
output folder atomically, incremental rebuilds and the ``build``/``serve``
commands.
"""
