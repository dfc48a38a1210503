"""The compiled store: a fact book as one SQLite file, built once, read fast.

``schema`` (the tables and the store's version), ``writer`` (a book into an
empty database), ``reader`` (``FactStore``: every query a command makes),
``cache`` (where stores live and when they are rebuilt), ``parallel`` (a big
book read in a child process while this one writes).
"""
