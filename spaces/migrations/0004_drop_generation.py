"""Drop the spaces generation: the pages read the database, not a cache keyed by it.

Dropped (migration 0003 made them): the ``spaces_generation`` table, the
function ``spaces_bump_generation`` and its deferred constraint and TRUNCATE
triggers on bookings, resources, spaces, opening hours, closure days, members
and organisations, which raised one site-wide row at the commit of every such
write (every booking queued on it); and the write counter
``spaces_count_write`` with its triggers, which kept the session setting
``spaces.writes``.

Kept: the exclusion constraint ``spaces_booking_no_overlap`` and the rest of
0001; no derived data of spaces is kept by triggers.
"""

import importlib

from django.db import migrations

FORWARD = r"""
DROP TRIGGER spaces_booking_truncate_generation ON spaces_booking;
DROP TRIGGER spaces_booking_written ON spaces_booking;
DROP TRIGGER spaces_booking_generation ON spaces_booking;
DROP TRIGGER spaces_resource_truncate_generation ON spaces_resource;
DROP TRIGGER spaces_resource_written ON spaces_resource;
DROP TRIGGER spaces_resource_generation ON spaces_resource;
DROP TRIGGER spaces_space_truncate_generation ON spaces_space;
DROP TRIGGER spaces_space_written ON spaces_space;
DROP TRIGGER spaces_space_generation ON spaces_space;
DROP TRIGGER spaces_openinghours_truncate_generation ON spaces_openinghours;
DROP TRIGGER spaces_openinghours_written ON spaces_openinghours;
DROP TRIGGER spaces_openinghours_generation ON spaces_openinghours;
DROP TRIGGER spaces_closure_truncate_generation ON spaces_closure;
DROP TRIGGER spaces_closure_written ON spaces_closure;
DROP TRIGGER spaces_closure_generation ON spaces_closure;
DROP TRIGGER spaces_user_written ON members_user;
DROP TRIGGER spaces_user_generation ON members_user;
DROP TRIGGER spaces_organisation_written ON members_organisation;
DROP TRIGGER spaces_organisation_generation ON members_organisation;
DROP FUNCTION spaces_count_write();
DROP FUNCTION spaces_bump_generation();
DROP TABLE spaces_generation;
"""

# Going back makes them again, as 0003 did.
BACKWARD = importlib.import_module("spaces.migrations.0003_generation").FORWARD


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_generation"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
