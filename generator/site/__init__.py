"""The site: validated content → pages, search index and downloads, as bytes.

Owns where pages live (``urls``), Markdown to safe HTML, the Jinja rendering,
the client-side search index, the data files, and the pages that show a
change (preview of a pull request). Writes nothing to disk.
"""
