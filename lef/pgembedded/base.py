from django.db.backends.postgresql import base

from .server import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    """PostgreSQL backend that starts the embedded server before connecting."""

    def get_connection_params(self):
        params = super().get_connection_params()
        # Create the configured database (not the test one: the test runner
        # creates that itself through the server's "postgres" database).
        host = ensure_server(self.settings_dict["PGDATA"], "lef")
        params["host"] = host
        params["user"] = "postgres"
        return params
