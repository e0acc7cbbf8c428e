"""The IVR's pure rules: calendars, keys, branches, prompts and variables (IVR.md)."""

import pytest
from callcenter_connector.ivr import nodes
from callcenter_connector.ivr.schedule import is_open, past_horizon
from callcenter_connector.protocol.agi import AgiError, AgiHangup, agi_argument, parse_reply

DAY = 86400.0
MONDAY_9 = 1_790_240_400.0
WEEK = {"name": "Office", "until": MONDAY_9 + 60 * DAY, "intervals": [
    [MONDAY_9 + day * DAY, MONDAY_9 + day * DAY + 8 * 3600] for day in range(60) if day % 7 < 5
    and day != 2]}


@pytest.mark.parametrize("offset, expected", [
    (-1, False),                      # Monday 08:59:59
    (0, True),                        # 09:00 opens
    (8 * 3600 - 1, True),             # 16:59:59
    (8 * 3600, False),                # 17:00 closes
    (DAY + 3600, True),               # Tuesday 10:00
    (2 * DAY + 3600, False),          # Wednesday: a public holiday, no interval
    (5 * DAY + 3600, False),          # Saturday
    (7 * DAY + 3600, True),           # next Monday
])
def test_calendar_open_intervals(offset, expected):
    assert is_open(WEEK, MONDAY_9 + offset) is expected


def test_past_the_horizon_is_closed_even_inside_an_interval():
    calendar = {"name": "x", "until": 200.0, "intervals": [[100.0, 300.0]]}
    assert is_open(calendar, 150.0) and not past_horizon(calendar, 150.0)
    assert not is_open(calendar, 250.0) and past_horizon(calendar, 250.0)
    assert not is_open({}, 150.0) and not is_open({"intervals": []}, 150.0)


def test_many_intervals_are_searched_not_scanned():
    intervals = [[float(i * 10), float(i * 10 + 5)] for i in range(200_000)]
    calendar = {"name": "big", "until": None, "intervals": intervals}
    assert is_open(calendar, 1_234_562.0) and not is_open(calendar, 1_234_567.0)


MENU = {"options": {"1": "a", "2": "b", "*": "c", "#": "d", "11": "e", "x": "ignored"},
        "direct_dial": True, "extension_length": 4, "max_digits": 4}


@pytest.mark.parametrize("keys, expected", [
    ("2", (nodes.MORE, None)),        # an extension 2xxx may follow
    ("*", (nodes.OPTION, "*")),       # no extension starts with *
    ("1", (nodes.MORE, None)),        # 11 or an extension may follow
    ("11", (nodes.MORE, None)),       # 11xx may be an extension
    ("1001", (nodes.EXTENSION, "1001")),
    ("10#", (nodes.INVALID, None)),   # # ends the input: 10 is nothing
    ("11#", (nodes.OPTION, "11")),
    ("5", (nodes.MORE, None)),
    ("*1", (nodes.INVALID, None)),
])
def test_menu_keys_with_direct_dial(keys, expected):
    options = nodes.menu_options(MENU)
    length = nodes.extension_length(MENU)
    assert nodes.classify_keys(keys, options, length,
                               nodes.max_keys(MENU, options, length)) == expected


def test_menu_keys_without_direct_dial_answer_at_once():
    options = nodes.menu_options({"options": {"1": "a", "2": "b"}})
    assert nodes.first_keys(options, 0) == "12"
    assert nodes.classify_keys("1", options, 0, 1) == (nodes.OPTION, "1")
    assert nodes.classify_keys("7", options, 0, 1) == (nodes.INVALID, None)
    assert nodes.resolve_keys("10", options, 4) == (nodes.INVALID, None)
    assert nodes.resolve_keys("1", options, 4) == (nodes.OPTION, "1")
    assert nodes.first_keys(nodes.menu_options(MENU), 4) == "0123456789*#"
    assert "x" not in nodes.menu_options(MENU)


def test_direct_dial_string_is_never_formatted():
    node = {"direct_dial_format": "Local/{ext}@agents/n{0.__class__}"}
    assert nodes.direct_dial_string(node, "1001") == "Local/1001@agents/n{0.__class__}"
    assert nodes.direct_dial_string({}, "1002") == "Local/1002@agents/n"


@pytest.mark.parametrize("kind, queue_status, dial_status, branch", [
    ("queue", "TIMEOUT", "", "failure"), ("queue", "JOINEMPTY", "", "failure"),
    ("queue", "LEAVEUNAVAIL", "", "failure"), ("queue", "FULL", "", "failure"),
    ("queue", "CONTINUE", "", "next"), ("queue", "", "", "next"),
    ("agent", "", "ANSWER", "next"), ("agent", "", "NOANSWER", "failure"),
    ("sticky", "", "BUSY", "failure"), ("external", "TIMEOUT", "ANSWER", "next"),
    ("menu", "", "CHANUNAVAIL", "failure"), ("play", "", "", "next"),
])
def test_resume_branches(kind, queue_status, dial_status, branch):
    assert nodes.resume_branch(kind, queue_status, dial_status) == branch


@pytest.mark.parametrize("branches, answer, expected", [
    ({"known": "k", "unknown": "u", "vip": "v", "blacklisted": "b"},
     {"known": True, "vip": True, "blacklisted": True}, "blacklisted"),
    ({"known": "k", "unknown": "u", "vip": "v", "blacklisted": None},
     {"known": True, "vip": True, "blacklisted": True}, "vip"),
    ({"known": "k", "unknown": "u", "vip": None, "blacklisted": None},
     {"known": True, "vip": True, "blacklisted": False}, "known"),
    ({"known": "k", "unknown": "u", "vip": "v", "blacklisted": None},
     {"known": False, "vip": False, "blacklisted": True}, "unknown"),
])
def test_lookup_branches_fall_back(branches, answer, expected):
    assert nodes.lookup_branch(branches, answer) == expected


def test_prompts_follow_the_session_language_then_the_flow():
    prompt = {"en": "ivr-en", "zh": "ivr-zh"}
    assert nodes.choose_prompt(prompt, "zh", "en") == "ivr-zh"
    assert nodes.choose_prompt(prompt, "fr", "en") == "ivr-en"
    assert nodes.choose_prompt({"zh": "ivr-zh"}, "fr", "en") == "ivr-zh"
    assert nodes.choose_prompt(None, "en", "en") is None
    assert nodes.playable("https://cdn.example.com/a.wav?x=1")
    assert not nodes.playable("bad name") and not nodes.playable("x\ny")


def test_http_variables_are_scalars_with_safe_names_and_short_values():
    answer = {"balance": 120, "vip": True, "name": "x" * 300, "nested": {"a": 1},
              "bad name": "1", "ok_2": "line\nbreak", "list": [1], "none": None}
    found = nodes.http_variables(answer)
    assert found == {"balance": "120", "vip": "true", "name": "x" * 128, "ok_2": "line break"}
    assert nodes.http_variables(answer, ["balance", "nested"]) == {"balance": "120"}
    assert nodes.http_variables([1, 2]) == {} and nodes.http_variables(None) == {}
    assert len(nodes.http_variables({f"v{i}": i for i in range(100)})) == nodes.MAX_VARIABLES


def test_say_reads_only_what_asterisk_can_say():
    assert nodes.say_text("120", "number") == "120"
    assert nodes.say_text("12.5", "number") is None
    assert nodes.say_text("+86 136", "digits") == "86136"
    assert nodes.say_text("AB-12 c", "alpha") == "AB12c"


def test_agi_replies_and_arguments():
    assert parse_reply("200 result=0 (timeout) endpos=48000") == {
        "code": 200, "result": "0", "data": "timeout", "extra": "endpos=48000"}
    assert parse_reply("200 result=49 endpos=4000")["result"] == "49"
    assert parse_reply("200 result= (timeout)")["data"] == "timeout"
    with pytest.raises(AgiHangup):
        parse_reply("HANGUP")
    with pytest.raises(AgiHangup):
        parse_reply("511 Command Not Permitted on a dead channel or intercepted channel")
    with pytest.raises(AgiError) as error:
        parse_reply("510 Invalid or unknown command")
    assert not isinstance(error.value, AgiHangup)
    assert [agi_argument(v) for v in ("support", "", "a b", 'x"y', 7)] == [
        "support", '""', '"a b"', '"x\\"y"', "7"]
    with pytest.raises(ValueError):
        agi_argument("a\nb")
