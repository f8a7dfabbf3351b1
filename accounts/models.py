from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.phones import validate_phone


class Unit(models.Model):
    """The sub-bureau and its units: the programme office, the teams (队室) and the police stations."""

    class Kind(models.TextChoices):
        BUREAU = "BUREAU", _("Sub-bureau")
        OFFICE = "OFFICE", _("Programme office")
        TEAM = "TEAM", _("Team")
        STATION = "STATION", _("Police station")

    class Function(models.TextChoices):
        PUBLIC_ORDER = "PUBLIC_ORDER", _("Public order")
        ECONOMIC = "ECONOMIC", _("Economic crime")
        CRIMINAL = "CRIMINAL", _("Criminal investigation")
        LEGAL = "LEGAL", _("Legal affairs")
        COMMAND = "COMMAND", _("Command support")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    function = models.CharField(_("function"), max_length=20, choices=Function.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="TEAM") | Q(function=""), name="unit_function_only_for_teams"
            ),
            models.CheckConstraint(condition=~Q(kind="TEAM") | ~Q(function=""), name="unit_team_has_function"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.TEAM and not self.function:
            raise ValidationError({"function": _("A team needs its function.")})
        if self.kind != self.Kind.TEAM and self.function:
            raise ValidationError({"function": _("Only teams have a function.")})
        if self.kind != self.Kind.BUREAU and self.parent and self.parent.kind != self.Kind.BUREAU:
            raise ValidationError({"parent": _("Offices, teams and stations belong to the sub-bureau.")})

    @property
    def is_station(self):
        return self.kind == self.Kind.STATION

    @property
    def is_legal_team(self):
        return self.kind == self.Kind.TEAM and self.function == self.Function.LEGAL


class LiaisonUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{self.model.USERNAME_FIELD: username})


class User(AbstractUser):
    class Role(models.TextChoices):
        LEADER = "LEADER", _("Bureau leader")
        COORDINATOR = "COORDINATOR", _("Programme office")
        TEAM = "TEAM", _("Team officer")
        OFFICER = "OFFICER", _("Community officer")
        AUDITOR = "AUDITOR", _("Auditor")

    name = models.CharField(_("full name"), max_length=50)
    badge_number = models.CharField(
        _("badge number"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{6,8}$", _("A badge number has 6 to 8 digits."))],
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])

    objects = LiaisonUserManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.username

    def clean(self):
        super().clean()
        if self.role in (self.Role.OFFICER,) and (not self.unit or self.unit.kind != Unit.Kind.STATION):
            raise ValidationError({"unit": _("A community officer belongs to a police station.")})
        if self.role == self.Role.TEAM and (not self.unit or self.unit.kind != Unit.Kind.TEAM):
            raise ValidationError({"unit": _("A team officer belongs to a team.")})

    @property
    def is_legal(self):
        return self.role == self.Role.TEAM and self.unit is not None and self.unit.is_legal_team


class StationLiaison(models.Model):
    """分包: a bureau leader or a team answers for a police station and the enterprises in it."""

    station = models.ForeignKey(
        Unit, verbose_name=_("police station"), on_delete=models.PROTECT, related_name="liaisons",
        limit_choices_to={"kind": Unit.Kind.STATION},
    )
    leader = models.ForeignKey(
        User, verbose_name=_("leader"), on_delete=models.PROTECT, null=True, blank=True, related_name="station_liaisons",
        limit_choices_to={"role": User.Role.LEADER},
    )
    team = models.ForeignKey(
        Unit, verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="station_liaisons",
        limit_choices_to={"kind": Unit.Kind.TEAM},
    )

    class Meta:
        verbose_name = _("station liaison")
        verbose_name_plural = _("station liaisons")
        constraints = [
            models.CheckConstraint(
                condition=(Q(leader__isnull=False) & Q(team__isnull=True)) | (Q(leader__isnull=True) & Q(team__isnull=False)),
                name="stationliaison_leader_xor_team",
            ),
            models.UniqueConstraint(fields=["station", "leader"], name="stationliaison_unique_leader"),
            models.UniqueConstraint(fields=["station", "team"], name="stationliaison_unique_team"),
        ]

    def __str__(self):
        return f"{self.leader or self.team} → {self.station}"

    def clean(self):
        if bool(self.leader_id) == bool(self.team_id):
            raise ValidationError(_("Name either a leader or a team, not both."))
        if self.station_id and self.station.kind != Unit.Kind.STATION:
            raise ValidationError({"station": _("Choose a police station.")})
        if self.team_id and self.team.kind != Unit.Kind.TEAM:
            raise ValidationError({"team": _("Choose a team.")})
        if self.leader_id and self.leader.role != User.Role.LEADER:
            raise ValidationError({"leader": _("Choose a bureau leader.")})


class AuthEvent(models.Model):
    """Sign-ins, sign-outs, failures and lockouts: the security half of the audit log."""

    class Kind(models.TextChoices):
        LOGIN = "LOGIN", _("Signed in")
        LOGOUT = "LOGOUT", _("Signed out")
        FAILURE = "FAILURE", _("Failed sign-in")
        LOCKOUT = "LOCKOUT", _("Locked out")

    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    username = models.CharField(_("username"), max_length=150, db_index=True)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"
