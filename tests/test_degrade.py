"""Degradation rules: fallback scene on trouble, restore when healthy, override, manual switch."""

from __future__ import annotations

from streamkit.health.alerts import Level
from streamkit.health.fallback import DegradeEngine, DegradeInputs, Notice, SwitchScene
from streamkit.health.settings import DegradeSettings

T0 = 1_800_000_000.0


def engine(*rules: dict, enabled: bool = True) -> DegradeEngine:
    return DegradeEngine(DegradeSettings.model_validate({"enabled": enabled, "rules": list(rules)}))


RECONNECT = {"trigger": "reconnecting", "fallback_scene": "BRB", "restore_after_s": 5}
DROPS = {"trigger": {"drops_alarm_for": 5}, "fallback_scene": "BRB", "restore_after_s": 10}
NDI = {"trigger": {"ndi_silent": "Speaker", "for_s": 3}, "fallback_scene": "Slides"}


class Show:
    """Drives an engine second by second, executing its scene switches like the caller would."""

    def __init__(self, degrade: DegradeEngine, scene: str = "Talk") -> None:
        self.engine = degrade
        self.scene = scene
        self.t = T0
        self.log: list[tuple[float, object]] = []

    def tick(self, seconds: int = 1, **state) -> list:
        actions = []
        for _ in range(seconds):
            self.t += 1
            new = self.engine.decide(DegradeInputs(t=self.t, current_scene=self.scene, **state))
            for action in new:
                if isinstance(action, SwitchScene):
                    self.scene = action.scene
                self.log.append((self.t - T0, action))
            actions += new
        return actions


def test_reconnecting_switches_to_fallback_and_back_when_healthy():
    show = Show(engine(RECONNECT))
    assert show.tick(3) == []
    [switch] = show.tick(reconnecting=True)
    assert switch == SwitchScene(T0 + 4, "stream reconnecting", "BRB")
    assert switch.message == 'Switching to fallback scene "BRB": stream reconnecting'
    assert show.tick(10, reconnecting=True) == []
    assert show.tick(4) == []  # healthy for 4 s of the 5 needed (counting from 15)
    [back] = show.tick(2)
    assert back.scene == "Talk" and back.restoring
    assert back.t - T0 == 20
    assert back.message == 'Switching back to scene "Talk": healthy for 5 s'
    assert show.scene == "Talk" and not show.engine.in_fallback


def test_drops_alarm_must_last_before_switching():
    show = Show(engine(DROPS))
    alarm = {"alert_levels": {"network_drops": Level.ALARM}}
    assert show.tick(5, **alarm) == []  # t = 1..5: alarm for 0..4 s
    [switch] = show.tick(**alarm)
    assert switch.scene == "BRB" and switch.reason == "network drops at alarm for 5 s"


def test_drops_alarm_interrupted_restarts_the_count():
    show = Show(engine(DROPS))
    alarm = {"alert_levels": {"network_drops": Level.ALARM}}
    warn = {"alert_levels": {"network_drops": Level.WARN}}
    assert show.tick(4, **alarm) + show.tick(**warn) + show.tick(5, **alarm) == []
    assert len(show.tick(**alarm)) == 1


def test_ndi_silent_input_switches_after_its_time_and_unknown_inputs_do_not():
    show = Show(engine(NDI))
    assert show.tick(10, ndi_video={"Other": False}) == []
    assert show.tick(3, ndi_video={"Speaker": False}) == []
    [switch] = show.tick(ndi_video={"Speaker": False})
    assert switch.scene == "Slides"
    assert switch.reason == 'NDI input "Speaker" sent no video for 3 s'
    assert show.tick(10, ndi_video={"Speaker": True}) == []  # restore_after_s: 10 by default
    assert show.tick(ndi_video={"Speaker": True})[0].scene == "Talk"


def test_restore_waits_until_every_rule_is_healthy():
    show = Show(engine(RECONNECT, DROPS))
    show.tick(reconnecting=True)
    assert show.scene == "BRB"
    # reconnected, but drops now at alarm: stay in fallback
    assert show.tick(20, alert_levels={"network_drops": Level.ALARM}) == []
    assert show.scene == "BRB"
    [back] = show.tick(6)
    assert back.scene == "Talk"  # the firing rule's restore_after_s (5 s) counts


def test_override_stops_auto_actions_and_resumes():
    degrade = engine(RECONNECT)
    show = Show(degrade)
    [notice] = degrade.set_override(True, T0)
    assert isinstance(notice, Notice) and "paused" in notice.message
    assert degrade.set_override(True, T0) == []
    assert show.tick(5, reconnecting=True) == []
    assert show.scene == "Talk"
    degrade.set_override(False, show.t)
    [switch] = show.tick(reconnecting=True)
    assert switch.scene == "BRB"


def test_override_while_in_fallback_holds_the_restore():
    degrade = engine(RECONNECT)
    show = Show(degrade)
    show.tick(reconnecting=True)
    degrade.set_override(True, show.t)
    assert show.tick(30) == []
    assert show.scene == "BRB"
    degrade.set_override(False, show.t)
    [back] = show.tick()
    assert back.scene == "Talk"


def test_manual_switch_in_fallback_cancels_the_restore():
    show = Show(engine(RECONNECT))
    show.tick(reconnecting=True)
    show.tick(2, reconnecting=True)
    show.scene = "Interview"  # the operator switched by hand
    [notice] = show.tick(reconnecting=True)
    assert isinstance(notice, Notice)
    assert "by hand" in notice.message and "Interview" in notice.message
    assert show.tick(30) == []
    assert show.scene == "Interview"


def test_switch_not_yet_visible_is_not_mistaken_for_a_manual_switch():
    degrade = engine(RECONNECT)
    degrade.decide(DegradeInputs(T0, "Talk", reconnecting=True))
    # the caller has not executed the switch yet: the old scene is still live
    assert degrade.decide(DegradeInputs(T0 + 1, "Talk", reconnecting=True)) == []
    assert degrade.in_fallback


def test_without_restore_the_operator_is_told_to_switch_back():
    show = Show(engine({**RECONNECT, "restore": False}))
    show.tick(reconnecting=True)
    [notice] = show.tick(6)
    assert isinstance(notice, Notice) and "switch scenes by hand" in notice.message
    assert show.scene == "BRB"


def test_fallback_already_live_is_not_switched_to_or_away_from():
    show = Show(engine(RECONNECT), scene="BRB")
    [notice] = show.tick(reconnecting=True)
    assert isinstance(notice, Notice) and "already live" in notice.message
    [after] = show.tick(6)
    assert isinstance(after, Notice) and show.scene == "BRB"


def test_disabled_or_empty_settings_do_nothing():
    for degrade in (engine(RECONNECT, enabled=False), engine()):
        assert degrade.decide(DegradeInputs(T0, "Talk", reconnecting=True)) == []


def test_actions_make_log_records():
    record = SwitchScene(T0, "stream reconnecting", "BRB").to_record()
    assert record == {
        "action": "SwitchScene",
        "message": 'Switching to fallback scene "BRB": stream reconnecting',
        "reason": "stream reconnecting",
        "scene": "BRB",
        "restoring": False,
    }
    assert Notice(T0, "hello").to_record()["action"] == "Notice"
