"""Embedded PostgreSQL for machines without a database server.

When ``DATABASE_URL`` is not set, settings point Django at this backend. It is
Django's own PostgreSQL backend; the only difference is that, before the first
connection, it makes sure a PostgreSQL server (from the ``pgserver`` package) runs
on the data folder in ``settings_dict["PGDATA"]`` and connects over its Unix
socket. Several processes (the site and a test run) share one server: pgserver
keeps a list of the processes using it and stops it when the last one exits,
and a watchdog (``watchdog.py``) stops it when the last one was killed.
"""
