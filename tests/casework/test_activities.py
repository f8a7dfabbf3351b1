import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from casework import services
from casework.models import Activity, ActivityPhoto
from tests.casework.factories import ActivityFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def jpeg(name="photo.jpg", size=(64, 48)):
    data = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(data, format="JPEG")
    return SimpleUploadedFile(name, data.getvalue(), content_type="image/jpeg")


def publicity(world, **fields):
    values = dict(
        kind=Activity.Kind.PUBLICITY, title="电动车上牌和安全出行宣传", held_on=timezone.localdate() - dt.timedelta(days=1),
        place="福盛家园小区", theme=Activity.Theme.OTHER, audience=300,
    )
    values.update(fields)
    return Activity(**values)


def test_a_publicity_activity_is_recorded_with_its_units_officers_enterprises_and_photos(world):
    activity = services.activity_save(
        activity=publicity(world), actor=world.officer, units=[world.station_a], officers=[world.officer],
        enterprises=[world.enterprise_a], photos=[jpeg()],
    )
    assert list(activity.units.all()) == [world.station_a]
    assert list(activity.enterprises.all()) == [world.enterprise_a]
    photo = activity.photos.get()
    assert photo.image.name.endswith(".jpg") and photo.thumbnail
    assert activity.figure == "300 people reached"


@pytest.mark.parametrize(
    "kind, missing",
    [
        (Activity.Kind.PUBLICITY, "theme"),
        (Activity.Kind.CAMPAIGN, "target"),
        (Activity.Kind.SERVICE, "service_kind"),
        (Activity.Kind.ESCORT, "escort_kind"),
    ],
)
def test_each_kind_needs_its_own_type(world, kind, missing):
    activity = Activity(kind=kind, title="x", held_on=timezone.localdate(), place="y")
    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert missing in refused.value.message_dict


def test_figures_of_another_kind_are_refused(world):
    activity = publicity(world, cameras_installed=3)
    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert "cameras_installed" in refused.value.message_dict


def test_more_hazards_removed_than_found_is_refused(world):
    activity = Activity(
        kind=Activity.Kind.CAMPAIGN, title="整治", held_on=timezone.localdate(), place="工地",
        target=Activity.Target.BLOCKING, hazards_found=2, hazards_removed=3,
    )
    with pytest.raises(ValidationError) as refused:
        activity.full_clean()
    assert "hazards_removed" in refused.value.message_dict


def test_an_activity_is_recorded_once_it_has_taken_place(world):
    with pytest.raises(ValidationError, match="taken place"):
        services.activity_save(activity=publicity(world, held_on=timezone.localdate() + dt.timedelta(days=1)), actor=world.officer)


def test_a_leader_does_not_record_activities(world):
    with pytest.raises(ValidationError):
        services.activity_save(activity=publicity(world), actor=world.leader)


def test_the_form_records_a_service_activity_and_refuses_a_non_image(client, world):
    client.force_login(world.officer)
    page = client.get(reverse("casework:activity_add") + f"?kind=SERVICE&enterprise={world.enterprise_a.pk}")
    assert page.context["form"].initial["kind"] == "SERVICE"
    data = {
        "kind": "SERVICE", "title": "民警到厂集中办理居住登记", "held_on": timezone.localdate().isoformat(), "place": "甲企业",
        "units": [world.station_a.pk], "officers": [world.officer.pk], "enterprises": [world.enterprise_a.pk],
        "service_kind": "RESIDENCE", "people_served": 46, "documents": 46,
        "audience": 0, "hazards_found": 0, "hazards_removed": 0, "disputes_resolved": 0, "patrols": 0, "cameras_installed": 0,
        "photos": [SimpleUploadedFile("notes.txt", b"not an image", content_type="image/jpeg")],
    }
    response = client.post(reverse("casework:activity_add"), data)
    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert "民警到厂集中办理居住登记" in response.content.decode()
    assert not Activity.objects.exists()
    data["photos"] = [jpeg("a.jpg"), jpeg("b.jpg")]
    response = client.post(reverse("casework:activity_add"), data)
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.people_served == 46 and activity.photos.count() == 2


def test_photos_are_served_only_to_users_who_see_the_activity(client, world):
    activity = services.activity_save(
        activity=publicity(world), actor=world.officer, units=[world.station_a], enterprises=[world.enterprise_a], photos=[jpeg()],
    )
    photo = activity.photos.get()
    url = reverse("casework:activity_photo", args=[photo.pk])
    client.force_login(world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(url + "?size=thumb").status_code == 200
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.auditor)
    assert client.get(url).status_code == 403


def test_photos_added_on_the_activity_page(client, world):
    activity = ActivityFactory(units=[world.station_a], created_by=world.officer)
    client.force_login(world.officer)
    response = client.post(reverse("casework:activity_photo_add", args=[activity.pk]), {"photos": [jpeg()], "caption": "宣传现场"})
    assert response.status_code == 302
    assert ActivityPhoto.objects.get().caption == "宣传现场"


def test_an_officer_of_another_unit_cannot_edit_the_activity(client, world):
    activity = ActivityFactory(units=[world.station_a], enterprises=[world.enterprise_a], created_by=world.officer)
    colleague = UserFactory(unit=world.team_unit, role="TEAM")
    client.force_login(colleague)
    assert client.get(reverse("casework:activity_detail", args=[activity.pk])).status_code == 200  # team sees station A
    assert client.get(reverse("casework:activity_edit", args=[activity.pk])).status_code == 403


def test_the_activity_appears_on_the_enterprise_file_tabs(rf, world):
    from casework.panels import dossier_tabs

    ActivityFactory(title="“3·15”宣传", enterprises=[world.enterprise_a], units=[world.station_a])
    ActivityFactory(title="别处的宣传", enterprises=[world.enterprise_b], units=[world.station_b])
    request = rf.get("/")
    request.user = world.officer
    tabs = {tab.key: tab for tab in dossier_tabs(request, world.enterprise_a)}
    assert tabs["activities"].count == 1
    assert [a.title for a in tabs["activities"].context()["casework_rows"]] == ["“3·15”宣传"]


def test_editing_keeps_enterprises_outside_the_editors_reach(client, world):
    activity = ActivityFactory(units=[world.station_a], enterprises=[world.enterprise_a, world.enterprise_b], created_by=world.officer)
    client.force_login(world.officer)
    page = client.get(reverse("casework:activity_edit", args=[activity.pk]))
    form = page.context["form"]
    assert world.enterprise_b in form.fields["enterprises"].queryset
