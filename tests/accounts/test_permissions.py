"""Who may do what: the table for each role, refusals that name the ability, principals as actors."""

from __future__ import annotations

import getpass

import pytest

from distributor.accounts.permissions import Permission, Principal, allows, require
from distributor.audit import Actor
from distributor.errors import PermissionDenied
from distributor.models import Role

EVERYTHING = set(Permission)
PRESS_OFFICER = {Permission.READ, Permission.MANAGE_RELEASES, Permission.SEND}
VIEWER = {Permission.READ}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ADMIN, EVERYTHING), (Role.PRESS_OFFICER, PRESS_OFFICER), (Role.VIEWER, VIEWER)],
)
def test_each_role_may_do_exactly_its_abilities(role: Role, allowed: set[Permission]) -> None:
    principal = Principal(role=role, label=f"test:{role.value}")
    for permission in Permission:
        assert allows(role, permission) == (permission in allowed), permission
        if permission in allowed:
            require(principal, permission)
        else:
            with pytest.raises(PermissionDenied):
                require(principal, permission)


def test_a_refusal_names_the_ability_the_role_it_needs_and_who_asked() -> None:
    viewer = Principal(role=Role.VIEWER, label="user:vera@press.example")
    with pytest.raises(PermissionDenied) as refused:
        require(viewer, Permission.SEND)
    assert str(refused.value) == (
        "sending releases needs the press_officer role; user:vera@press.example is viewer"
    )


def test_require_accepts_an_audit_actor_too() -> None:
    with pytest.raises(PermissionDenied):
        require(Actor("test:viewer", Role.VIEWER), Permission.MANAGE_USERS)


def test_a_principal_becomes_the_actor_recorded_in_the_audit_log() -> None:
    principal = Principal(role=Role.PRESS_OFFICER, label="api-key:ab12cd34", user_id=7)
    assert principal.actor == Actor("api-key:ab12cd34", Role.PRESS_OFFICER, user_id=7)


def test_the_local_operator_has_every_right_and_is_named_after_the_shell_user() -> None:
    operator = Principal.local_operator()
    assert operator.label == f"cli:{getpass.getuser()}"
    assert all(allows(operator.role, permission) for permission in Permission)
    assert operator.actor == Actor.command_line()
