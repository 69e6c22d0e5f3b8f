"""Versions of the list and their review: git revisions, the history in the list's terms, and what changed.

Owns reading content at a git revision, the revision history shown on the
site, the change engine behind ``diff``, and the ``comment`` command that
tells a pull request's reviewers what changed.
"""
