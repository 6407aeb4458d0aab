"""The audit log says what happened in words; an action's id shows only when it has none."""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

import distributor
from distributor.audit import Actor, record
from distributor.contacts.lists import create_list
from distributor.models import AuditEntry, Role
from distributor.web.admin.audit_details import DETAIL_LABELS, HIDDEN
from distributor.web.admin.words import AUDIT_ACTIONS, AUDIT_SUBJECTS, actor_words
from tests.web.admin.conftest import Admin

OPERATOR = Actor("test:admin", Role.ADMIN)
_SOURCE = Path(distributor.__file__).parent
# Where each audit writer takes the action, the subject's type right after it:
# record(session, actor, ACTION, TYPE, …), append(…, ACTION, TYPE, …), entry_row(actor, ACTION, TYPE, …).
_ACTION_AT = {"record": 2, "append": 2, "entry_row": 1}
ACTION, SUBJECT = 0, 1  # where in the writer's arguments, counted from the action


def _called(call: ast.Call) -> str | None:
    """The audit writer `call` calls, or None: `record(…)` and `audit.record(…)` both count."""
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
        return function.attr if function.value.id == "audit" else None
    return None


def _strings(node: ast.AST, constants: dict[str, ast.AST]) -> Iterator[str]:
    """Every action id `node` can name: literals, module constants, a table's values, both arms."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.Name):
        yield from _strings(constants[node.id], constants)
    elif isinstance(node, ast.Subscript):
        yield from _strings(node.value, constants)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _strings(value, constants)
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body, constants)
        yield from _strings(node.orelse, constants)
    else:
        raise AssertionError(f"cannot read an action id from {ast.unparse(node)}")


def _module_constants(tree: ast.Module) -> dict[str, ast.AST]:
    constants: dict[str, ast.AST] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                constants[target.id] = statement.value
    return constants


def audited_in_the_code(which: int) -> dict[str, str]:
    """Each audit ACTION or SUBJECT id the code writes, with where it is written."""
    found: dict[str, str] = {}
    for path in sorted(_SOURCE.rglob("*.py")):
        if path == _SOURCE / "audit.py":
            continue  # the writers themselves pass the action on
        tree = ast.parse(path.read_text(), str(path))
        constants = _module_constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            at = _ACTION_AT.get(_called(node) or "")
            if at is None or len(node.args) <= at + which:
                continue
            for name in _strings(node.args[at + which], constants):
                found.setdefault(name, f"{path.relative_to(_SOURCE)}:{node.lineno}")
    return found


def detail_keys_in_the_code() -> dict[str, str]:
    """Each detail key an audit writer is given by name (`reason=…`, `**{"error": …}`)."""
    found: dict[str, str] = {}
    for path in sorted(_SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or _called(node) != "record":
                continue
            for keyword in node.keywords:
                spread = keyword.value.body if isinstance(keyword.value, ast.IfExp) else None
                keys = (
                    [keyword.arg]
                    if keyword.arg
                    else [key.value for key in getattr(spread, "keys", []) if key]
                )
                for key in keys:
                    found.setdefault(str(key), f"{path.relative_to(_SOURCE)}:{node.lineno}")
    return found


def test_every_detail_the_code_audits_has_a_label() -> None:
    keys = detail_keys_in_the_code()

    assert "list_id" in keys  # a keyword
    assert "confirmed" in keys  # a spread dict
    labelled = DETAIL_LABELS.keys() | HIDDEN
    assert {key: where for key, where in keys.items() if key not in labelled} == {}


def test_every_action_the_code_audits_has_words() -> None:
    actions = audited_in_the_code(ACTION)

    assert "list.create" in actions  # a literal
    assert "contacts.bulk_suppress" in actions  # a table's value
    assert {action: where for action, where in actions.items() if action not in AUDIT_ACTIONS} == {}


def test_every_kind_of_thing_the_code_audits_has_words() -> None:
    subjects = audited_in_the_code(SUBJECT)

    assert "sendout" in subjects
    assert {kind: where for kind, where in subjects.items() if kind not in AUDIT_SUBJECTS} == {}


def test_the_audit_log_says_what_was_done_in_words(admin: Admin) -> None:
    create_list(admin.web.session, "tech-press", OPERATOR)
    admin.commit()

    page = admin.signed_in(Role.ADMIN).get("/admin/audit")

    assert '<td data-label="Action">Created a list</td>' in page.text
    assert '<td data-label="On">List: tech-press</td>' in page.text
    assert "list.create" not in page.text


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("user:desk@press.example", "desk@press.example"),
        ("cli:root", "root, on the command line"),
        ("api-key:ab12cd34", "API key ab12cd34…"),
        ("recipient:delivery 42", "The journalist, through their email's link"),
        ("signup-form", "The sign-up form"),
        ("system", "distributor itself"),
        ("robot:7", "robot:7"),
    ],
)
def test_who_acted_is_said_in_words(label: str, words: str) -> None:
    assert actor_words(label) == words


def test_the_audit_log_names_who_acted_in_words(admin: Admin) -> None:
    record(admin.web.session, Actor("cli:root", Role.ADMIN), "list.create", "list")
    admin.commit()

    page = admin.signed_in(Role.ADMIN).get("/admin/audit")

    assert '<td data-label="Who">root, on the command line</td>' in page.text


def test_an_action_or_subject_without_words_shows_its_id(admin: Admin) -> None:
    record(admin.web.session, OPERATOR, "archive.rebuild", "archive")
    admin.commit()

    page = admin.signed_in(Role.ADMIN).get("/admin/audit")

    assert '<td data-label="Action">archive.rebuild</td>' in page.text
    assert '<td data-label="On">archive</td>' in page.text


def details_shown(admin: Admin) -> str:
    page = admin.signed_in(Role.ADMIN).get("/admin/audit")
    [shown] = re.findall(r'<td data-label="Details" class="details">(.*?)</td>', page.text)
    return html.unescape(shown)


def test_details_name_a_list_by_its_name_not_its_id(admin: Admin) -> None:
    critics = create_list(admin.web.session, "critics", OPERATOR, name="Film critics")
    admin.web.session.execute(delete(AuditEntry))
    record(
        admin.web.session,
        OPERATOR,
        "contacts.bulk_suppress",
        "bulk_job",
        7,
        list_id=critics.id,
        reason="asked by phone",
        selection=None,
    )
    admin.commit()

    assert details_shown(admin) == "List: Film critics · Reason: asked by phone"


def test_a_changed_contact_shows_each_field_from_before_to_now(admin: Admin) -> None:
    changes = {
        "outlet": {"from": "Le Monde", "to": "Libération"},
        "city": {"from": None, "to": "Lyon"},
    }
    record(admin.web.session, OPERATOR, "contact.edit", "contact", 3, changes=changes)
    admin.commit()

    assert details_shown(admin) == "Changed: City: empty → Lyon, Outlet: Le Monde → Libération"


def test_codes_fingerprints_and_rules_are_shown_in_words(admin: Admin) -> None:
    record(
        admin.web.session,
        OPERATOR,
        "segment.create",
        "segment",
        2,
        name="French critics",
        rules={"all": [{"field": "country", "op": "in", "value": ["FR"]}]},
        role="press_officer",
        email_hash="9f" * 32,
        as_colleague=False,
    )
    admin.commit()

    assert details_shown(admin) == (
        "Kept as a colleague: no · Name: French critics · Role: Press officer"
        " · Conditions: country in FR"
    )


def test_a_detail_without_a_label_shows_its_key_in_words(admin: Admin) -> None:
    record(admin.web.session, OPERATOR, "archive.rebuild", "archive", desk_id=4, all_rows_seen=12)
    admin.commit()

    assert details_shown(admin) == "All rows seen: 12 · Desk: 4"
