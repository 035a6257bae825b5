"""What the admin tests of tests/lef share: a coordinator and one of everything."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.events.factories import EventFactory, RegistrationFactory
from tests.members.factories_coordination import CoordinatorFactory
from tests.projects.factories import ProjectFactory, post
from tests.spaces.factories import BookingFactory, ResourceFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def admin_world(client):
    """A coordinator logged in, and one of everything the admin lists."""
    client.force_login(CoordinatorFactory())
    event = EventFactory(
        starts_at=datetime(2031, 3, 14, 15, 30, tzinfo=AMSTERDAM),
        ends_at=datetime(2031, 3, 14, 17, 0, tzinfo=AMSTERDAM),
    )
    registration = RegistrationFactory(event=event)
    resource = ResourceFactory()
    booking = BookingFactory(
        resource=resource,
        start=datetime(2031, 3, 17, 9, 0, tzinfo=AMSTERDAM),
        end=datetime(2031, 3, 17, 10, 0, tzinfo=AMSTERDAM),
    )
    project = ProjectFactory()
    update = post(project, project.created_by)
    return SimpleNamespace(
        event=event,
        registration=registration,
        space=resource.space,
        resource=resource,
        booking=booking,
        project=project,
        update=update,
        member=registration.member,
        organisation=registration.member.profile.organisation,
    )
