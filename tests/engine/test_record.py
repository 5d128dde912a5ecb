"""The engine's value classes (`@record`): what the code relies on, the hidden password first."""

from __future__ import annotations

import pytest

from smtptui.net.result import Result
from smtptui.smtp.plan import SessionPlan, Timeouts
from smtptui.smtp.record import FrozenInstanceError, asdict, replace
from smtptui.smtp.transcript import Event, Rejected


def test_a_plans_repr_never_shows_the_password() -> None:
    plan = SessionPlan("mx.example", "a@example.com", ["b@example.net"], helo="me.example",
                       password="s3cret-Pa55")
    shown = repr(plan)
    assert "s3cret-Pa55" not in shown
    assert "password" not in shown
    assert "host='mx.example'" in shown and "helo='me.example'" in shown


def test_construction_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="missing required argument 'text'"):
        Event(0.0, "send", "ehlo")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Event(0.0, "send", "ehlo", "EHLO x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'kind'"):
        Event(0.0, "send", "ehlo", "EHLO x", kind="recv")  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 7 arguments but 8"):
        Event(0.0, "send", "ehlo", "EHLO x", False, None, "", 1)  # type: ignore[call-arg]


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    event = Event(1.5, "recv", "banner", "220 hi")
    with pytest.raises(FrozenInstanceError):
        event.text = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        event.colour = "red"  # type: ignore[attr-defined]
    same = Event(1.5, "recv", "banner", "220 hi", tls=False)
    assert event == same and hash(event) == hash(same) and len({event, same}) == 1
    assert event != Event(1.5, "recv", "banner", "220 hi", tls=True)


def test_defaults_are_fresh() -> None:
    first, second = Result(), Result()
    first.accepted.append("b@example.net")
    assert second.accepted == []
    assert SessionPlan("h", "a@example.com", ["b@example.net"]).timeouts == Timeouts()


def test_mutable_records_are_unhashable() -> None:
    with pytest.raises(TypeError):
        hash(Result())


def test_replace_and_asdict_behave_as_in_dataclasses() -> None:
    plan = SessionPlan("h", "a@example.com", ["b@example.net"], helo="me.example")
    other = replace(plan, port=587)
    assert (other.port, other.host, plan.port) == (587, "h", 25)
    result = Result(rejected=[Rejected("x@example.net", 550, "no such user")], accepted=["y"])
    as_dict = asdict(result)
    assert as_dict["rejected"] == [{"address": "x@example.net", "code": 550,
                                    "text": "no such user"}]
    as_dict["accepted"].append("z")
    assert result.accepted == ["y"]  # a copy, not the record's own list
