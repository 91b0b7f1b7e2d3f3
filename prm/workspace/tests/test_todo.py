"""The staff home: cards from a registry, asked only of members holding their capability."""

import pytest

from prm.tenancy.providers import Providers
from prm.tenancy.roles import Role
from prm.workspace import todo
from prm.workspace.todo import TodoCard, TodoLine, register_todo, todo_cards

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test (the apps' cards come back afterwards)."""
    empty: Providers = Providers()
    monkeypatch.setattr(todo, "_PROVIDERS", empty)
    return empty


def card(key, *lines, empty="Nothing waits."):
    return TodoCard(key=key, title=key.title(), lines=list(lines), empty=empty)


def test_cards_come_in_order_to_members_with_the_capability(registry, ours):
    asked = []

    def first(membership):
        asked.append("first")
        return card("first")

    def second(membership):
        asked.append("second")
        return card("second")

    def secret(membership):
        asked.append("secret")
        return card("secret")

    register_todo(second, order=20)
    register_todo(first, order=10)
    register_todo(secret, capability="deals.manage", order=5)
    register_todo(first, order=1)  # registering twice changes nothing
    cam = ours.members[Role.CAM]  # holds no deals.manage
    assert [c.key for c in todo_cards(cam)] == ["first", "second"]
    assert "secret" not in asked  # not even asked
    leader = ours.members[Role.PROGRAM_LEADER]
    assert [c.key for c in todo_cards(leader)] == ["secret", "first", "second"]


def test_a_provider_with_nothing_to_say_returns_none(registry, ours):
    register_todo(lambda membership: None)
    assert todo_cards(ours.members[Role.CAM]) == []


def test_zero_lines_hide_unless_always_shown_and_a_card_knows_when_it_is_urgent():
    c = card(
        "x",
        TodoLine("overdue", 0, "/o", kind="failed", always=True),
        TodoLine("waiting", 3, "/w"),
        TodoLine("conflicts", 0, "/c", kind="conflict"),
    )
    assert [line.text for line in c.shown_lines] == ["overdue", "waiting"]
    assert not c.urgent
    assert card("y", TodoLine("overdue", 1, "/o", kind="failed")).urgent


def test_the_home_shows_the_cards_their_empty_state_and_every_page(registry, ours, host_client):
    register_todo(lambda m: card("calm", TodoLine("things", 0, "/x"), empty="All calm here."))
    register_todo(lambda m: card("busy", TodoLine("things to do", 4, "/admin/deals/deal/")))
    client = host_client(ours.host, ours.members[Role.CAM])
    html = client.get("/admin/").content.decode()
    assert 'id="todo-calm"' in html
    assert "All calm here." in html
    assert 'href="/admin/deals/deal/"' in html
    assert "things to do" in html
    assert "All pages" in html  # the model index stays reachable
    assert 'href="/admin/partners/partner/"' in html
    assert "<title>Your to-do list |" in html


def test_the_home_says_so_when_no_card_applies(registry, ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    html = client.get("/admin/").content.decode()
    assert "Nothing waits for you here" in html
