"""One JSON object per log line, for a log collector: ``LOG_FORMAT=json`` (lef.settings).

Each line holds the time (UTC), level, logger and message, the fields a
caller passed as ``extra={"fields": {...}}`` (lef.middleware's request line,
lef.audit's entries), and the traceback of an exception. Plain text is the
default; this formatter is used only when asked.
"""

import datetime as dt
import json
import logging


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line |= {key: value for key, value in fields.items() if key not in line}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class SkipDatabaseOutage(logging.Filter):
    """Leave out django.request's "Internal Server Error" when the error was the
    database server being away. Django logs an error raised in a middleware (the
    session's, reading a signed-in member's session) as a 500 before
    lef.middleware.DatabaseUnavailableMiddleware replaces that response with the
    503 page; the 503 is logged as such ("Service Unavailable").
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from lef.middleware import is_database_unavailable  # noqa: PLC0415 -- not at setup

        error = record.exc_info[1] if record.exc_info else None
        return error is None or not is_database_unavailable(error)
