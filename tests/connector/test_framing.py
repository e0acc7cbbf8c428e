"""Bad AMI input is reported and skipped; the stream goes on."""

from callcenter_connector.protocol.ami import AmiFramer, FrameError, encode_action, read_transcript
from conftest import TRANSCRIPTS

GOOD = b"Event: Hangup\r\nUniqueid: 1.1\r\nLinkedid: 1.1\r\nCause: 16\r\n\r\n"


def framer_with_errors():
    errors = []
    return AmiFramer(on_error=lambda kind, detail: errors.append(kind)), errors


def test_banner_and_split_reads_keep_utf8_names():
    raw = (TRANSCRIPTS / "02_inbound_queue_abandoned.ami").read_bytes()
    _banner, whole = read_transcript(raw)
    framer, errors = framer_with_errors()
    pieces = []
    for index in range(0, len(raw), 7):
        pieces.extend(framer.feed(raw[index:index + 7]))
    assert framer.banner == "11.0.0"
    assert pieces == whole
    assert any(m.get("calleridname") == "María García" for m in pieces)
    assert not errors


def test_malformed_frames_are_skipped():
    framer, errors = framer_with_errors()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    data = (b"this is not a header\r\nEvent: Newchannel\r\nUniqueid: 2.2\r\n\r\n"
            b"Garbage only\r\n\r\n" + GOOD)
    messages = framer.feed(data)
    assert [m["event"] for m in messages] == ["Newchannel", "Hangup"]
    assert errors == [FrameError.BAD_LINE, FrameError.BAD_LINE, FrameError.NO_KIND]


def test_oversized_frame_is_dropped_and_stream_resyncs():
    framer, errors = framer_with_errors()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    huge = b"Event: UserEvent\r\nData: " + b"x" * 200_000
    assert framer.feed(huge) == []
    assert framer.feed(b"y" * 100_000) == []
    assert len(framer._buffer) < 10, "memory stays bounded while discarding"
    messages = framer.feed(b"\r\n\r\n" + GOOD)
    assert [m["event"] for m in messages] == ["Hangup"]
    assert FrameError.OVERSIZED in errors


def test_oversized_header_line_is_skipped():
    framer, errors = framer_with_errors()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    frame = b"Event: Newchannel\r\nCallerIDName: " + b"z" * 9000 + b"\r\nUniqueid: 3.3\r\n\r\n"
    messages = framer.feed(frame)
    assert messages == [{"event": "Newchannel", "uniqueid": "3.3"}]
    assert errors == [FrameError.LONG_LINE]


def test_non_utf8_is_replaced_and_reported():
    framer, errors = framer_with_errors()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    gbk_name = "王芳".encode("gbk")
    messages = framer.feed(b"Event: NewCallerid\r\nCallerIDName: " + gbk_name + b"\r\nUniqueid: 4.4\r\n\r\n")
    assert messages[0]["uniqueid"] == "4.4"
    assert "\ufffd" in messages[0]["calleridname"]
    assert errors == [FrameError.NOT_UTF8]


def test_repeated_headers_become_lists_and_actions_encode():
    framer, _errors = framer_with_errors()
    framer.feed(b"Asterisk Call Manager/11.0.0\r\n")
    message = framer.feed(b"Response: Success\r\nChanVariable: A=1\r\nChanVariable: B=2\r\n\r\n")[0]
    assert message["chanvariable"] == ["A=1", "B=2"]
    assert encode_action({"Action": "Originate", "Variable": ["X=1", "Y=2"]}) == (
        b"Action: Originate\r\nVariable: X=1\r\nVariable: Y=2\r\n\r\n")
