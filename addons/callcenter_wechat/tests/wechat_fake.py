# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A loopback fake of the WeChat Official Account API, for tests and benchmarks.

The addon talks to WeChat through the real wechatpy client; pointing an
account's ``api_base_url`` at ``WeChatFake().base_url`` makes every call land
here instead of on api.weixin.qq.com, over real HTTP. The fake behaves the way
WeChat documents it (developers.weixin.qq.com/doc/offiaccount):

* ``GET token`` hands out a new access token and invalidates the previous one
  of that AppID, so two workers that each fetch their own token break each
  other, as they do against WeChat;
* every other endpoint checks ``access_token`` (41001 missing, 40001 unknown
  or superseded, 42001 expired);
* ``message/custom/send`` enforces the 48-hour customer-service window per
  openid (45015) once the test has told the fake when the follower last wrote;
* ``menu/create`` checks WeChat's menu rules (40016-40027);
* ``message/template/send`` requires a subscribed follower (43004);
* ``menu/get``, ``menu/delete``, ``qrcode/create``, ``media/upload``,
  ``media/get``, ``user/info`` and ``getcallbackip`` answer as documented.

Errors can be programmed (``fail_next``), every request is recorded
(``requests``) and the token endpoint is counted (``token_count``). It uses
only the standard library and no Odoo, so plain scripts can use it too::

    with WeChatFake() as fake:
        account.sudo().api_base_url = fake.base_url
        ...
        self.assertEqual(fake.requests("message/custom/send")[0][1]["touser"], openid)
"""

import email.parser
import email.policy
import itertools
import json
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TOKEN_LIFETIME = 7200
VIDEO_PATH = "video/"
WINDOW = timedelta(hours=48)
QR_DEFAULT_EXPIRE = 60
QR_MAX_EXPIRE = 2592000
MEDIA_TYPES = ("image", "voice", "video", "thumb")
CUSTOM_MSG_TYPES = (
    "text", "image", "voice", "video", "music", "news", "mpnews", "msgmenu", "wxcard",
    "miniprogrampage", "link",
)
BUTTON_TYPES = (
    "click", "view", "scancode_push", "scancode_waitmsg", "pic_sysphoto",
    "pic_photo_or_album", "pic_weixin", "location_select", "media_id", "article_id",
    "article_view_limited", "miniprogram",
)

OK = {"errcode": 0, "errmsg": "ok"}
ERRORS = {
    40001: "invalid credential, access_token is invalid or not latest",
    40003: "invalid openid",
    40004: "invalid media type",
    40007: "invalid media_id",
    40013: "invalid appid",
    40016: "invalid button size",
    40017: "invalid button type",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40020: "invalid button url size",
    40023: "invalid sub button size",
    40024: "invalid sub button type",
    40025: "invalid sub button name size",
    40026: "invalid sub button key size",
    40027: "invalid sub button url size",
    40037: "invalid template_id",
    40097: "invalid args",
    40125: "invalid appsecret",
    41001: "access_token missing",
    41005: "media data missing",
    42001: "access_token expired",
    43004: "require subscribe",
    44002: "empty post data",
    44004: "empty content",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    46003: "menu no exist",
    47001: "data format error",
    48001: "api unauthorized",
}


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def _naive_utc(when):
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _error(errcode, errmsg=None):
    return {"errcode": errcode, "errmsg": errmsg or ERRORS.get(errcode, "error")}


class _Failure:
    __slots__ = ("errcode", "errmsg", "status", "times")

    def __init__(self, errcode, errmsg, status, times):
        self.errcode = errcode
        self.errmsg = errmsg
        self.status = status
        self.times = times


class WeChatFake:
    """A threaded HTTP server on 127.0.0.1 that answers like WeChat's API.

    :param apps: optional ``{appid: secret}``; when given, the token endpoint
        refuses other AppIDs (40013) and wrong secrets (40125). By default any
        AppID and secret get a token.
    :param window_open_by_default: whether an openid the test never passed to
        ``set_last_inbound`` may receive customer-service messages. WeChat
        refuses them, but most tests care about other things.
    :param clock: a callable returning the current naive UTC datetime, used for
        token expiry, QR expiry and the 48-hour window.
    """

    def __init__(self, apps=None, window_open_by_default=True, clock=None):
        self.apps = dict(apps) if apps else None
        self.window_open_by_default = window_open_by_default
        self.clock = clock or _now
        self._lock = threading.RLock()
        self._serial = itertools.count(1)
        self.reset()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/cgi-bin/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wechat-fake", daemon=True
        )
        self._thread.start()

    # ------------------------------------------------------------------
    # lifecycle
    # ------------------------------------------------------------------

    def close(self):
        """Stop serving; later calls get "connection refused", like a network outage."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def reset(self):
        """Forget every request, token, failure, media, menu, QR code and follower."""
        with self._lock:
            self._requests = []
            self._failures = {}
            self._delays = {}
            self._tokens = {}  # appid -> (token, expires_at)
            self._token_apps = {}  # token -> appid, every token ever issued
            self._token_counts = {}
            self._media = {}  # media_id -> (content, content_type, filename)
            self._menus = {}  # appid -> menu dict
            self._qrcodes = {}  # ticket -> dict
            self._last_inbound = {}
            self._users = {}
            self._templates = None
            self._sent = {}  # (appid, openid, day) -> count, for 45047

    # ------------------------------------------------------------------
    # test API
    # ------------------------------------------------------------------

    def requests(self, path=None):
        """Recorded requests as ``(params, body)``; ``path`` relative to /cgi-bin/.

        ``params`` is the query string as a dict; ``body`` the decoded JSON, a dict
        of multipart parts ``{name: (filename, content_type, bytes)}`` for
        uploads, or None for GET requests.
        """
        with self._lock:
            return [
                (params, body) for req_path, params, body in self._requests
                if path is None or req_path == path
            ]

    def fail_next(self, path, errcode=None, errmsg=None, times=1, status=200):
        """Make the next ``times`` requests to ``path`` fail.

        With ``errcode`` they answer WeChat's JSON error (before the token is
        even checked, as WeChat's gateway does for 45009 or -1); with
        ``errcode=None`` and ``status`` >= 400 they answer that bare HTTP status.
        """
        with self._lock:
            self._failures.setdefault(path, []).append(_Failure(errcode, errmsg, status, times))

    def set_delay(self, path, seconds):
        """Answer requests to ``path`` after ``seconds`` (a slow WeChat, a timeout)."""
        with self._lock:
            self._delays[path] = seconds

    def token_count(self, appid=None):
        """How many tokens were issued (for one AppID or all of them)."""
        with self._lock:
            if appid is None:
                return sum(self._token_counts.values())
            return self._token_counts.get(appid, 0)

    def current_token(self, appid):
        with self._lock:
            token = self._tokens.get(appid)
            return token and token[0]

    def issue_token(self, appid, expires_in=TOKEN_LIFETIME):
        """Issue a token out of band, as another system sharing the AppID would,
        which makes the one Odoo holds "not latest" (40001)."""
        with self._lock:
            return self._issue_token(appid, expires_in)

    def expire_token(self, appid):
        """The AppID's current token answers 42001 from now on."""
        with self._lock:
            token = self._tokens.get(appid)
            if token:
                self._tokens[appid] = (token[0], self.clock() - timedelta(seconds=1))

    def add_media(self, media_id, content, content_type="image/jpeg", filename=None):
        """Serve ``content`` at media/get?media_id=…, as if a follower had sent it.

        Like WeChat, media/get answers a video (``content_type`` video/…) with
        ``{"video_url": …}``, an address on this fake that serves the bytes.
        """
        with self._lock:
            self._media[media_id] = (content, content_type, filename or media_id)

    def media(self, media_id):
        """``(content, content_type, filename)`` of uploaded or added media."""
        with self._lock:
            return self._media.get(media_id)

    def set_last_inbound(self, openid, when):
        """The follower's last message: customer-service sends fail 48 hours after it."""
        with self._lock:
            self._last_inbound[openid] = _naive_utc(when)

    def add_user(self, openid, subscribed=True, unionid=None, nickname=None, **info):
        """What user/info answers for ``openid``; unknown openids are subscribed."""
        with self._lock:
            self._users[openid] = dict(
                info, subscribed=subscribed, unionid=unionid, nickname=nickname
            )

    def set_subscribed(self, openid, subscribed):
        with self._lock:
            self._users.setdefault(openid, {})["subscribed"] = subscribed

    def add_template(self, template_id):
        """Once called, message/template/send refuses other template ids (40037)."""
        with self._lock:
            self._templates = (self._templates or set()) | {template_id}

    def menu(self, appid):
        """The menu last created for ``appid``, as WeChat stored it, or None."""
        with self._lock:
            return self._menus.get(appid)

    def qrcode(self, ticket):
        with self._lock:
            return self._qrcodes.get(ticket)

    # ------------------------------------------------------------------
    # request handling (server threads)
    # ------------------------------------------------------------------

    def _issue_token(self, appid, expires_in=TOKEN_LIFETIME):
        token = f"{appid}-{next(self._serial)}-{secrets.token_hex(8)}"
        self._tokens[appid] = (token, self.clock() + timedelta(seconds=expires_in))
        self._token_apps[token] = appid
        self._token_counts[appid] = self._token_counts.get(appid, 0) + 1
        return token

    def _handle(self, method, path, params, body):
        """Returns ``(status, content_type, payload bytes, extra headers)``."""
        with self._lock:
            self._requests.append((path, params, body))
            failure = self._take_failure(path)
            if failure:
                if failure.errcode is None:
                    return failure.status, "text/plain", b"fake failure", {}
                return self._json(_error(failure.errcode, failure.errmsg))
            if path == "token":
                return self._json(self._token(params))
            if path.startswith(VIDEO_PATH):
                return self._video(path[len(VIDEO_PATH):])
            appid, error = self._check_token(params)
            if error:
                return self._json(error)
            handler = ENDPOINTS.get(path)
            if handler is None:
                return 404, "text/plain", b"not found", {}
            expects_body = method == "POST"
            if expects_body and body is None:
                return self._json(_error(44002))
            result = handler(self, appid, params, body)
            if isinstance(result, tuple):
                return result
            return self._json(result)

    @staticmethod
    def _json(payload):
        return 200, "application/json; charset=utf-8", json.dumps(
            payload, ensure_ascii=False
        ).encode(), {}

    def _take_failure(self, path):
        queue = self._failures.get(path)
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _token(self, params):
        if params.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        appid = params.get("appid")
        if not appid or (self.apps is not None and appid not in self.apps):
            return _error(40013)
        if self.apps is not None and params.get("secret") != self.apps[appid]:
            return _error(40125)
        if not params.get("secret"):
            return _error(40125)
        return {"access_token": self._issue_token(appid), "expires_in": TOKEN_LIFETIME}

    def _check_token(self, params):
        token = params.get("access_token")
        if not token:
            return None, _error(41001)
        appid = self._token_apps.get(token)
        current = appid and self._tokens.get(appid)
        if not current or current[0] != token:
            return None, _error(40001)
        if current[1] <= self.clock():
            return None, _error(42001)
        return appid, None

    def _user(self, openid):
        user = self._users.get(openid, {})
        return {"subscribed": True, **user}

    # endpoints: (fake, appid, params, body) -> dict or full response tuple

    def _custom_send(self, appid, params, body):
        openid = body.get("touser")
        msgtype = body.get("msgtype")
        if not openid:
            return _error(40003)
        if msgtype not in CUSTOM_MSG_TYPES or not isinstance(body.get(msgtype), dict):
            return _error(40008, "invalid message type")
        content = body[msgtype]
        if msgtype == "text" and not (content.get("content") or "").strip():
            return _error(44004)
        if msgtype in ("image", "voice", "video") and content.get("media_id") not in self._media:
            return _error(40007)
        if not self._user(openid)["subscribed"]:
            return _error(45015)
        last = self._last_inbound.get(openid)
        if last is None and not self.window_open_by_default:
            return _error(45015)
        if last is not None and self.clock() - last > WINDOW:
            return _error(45015)
        return dict(OK)

    def _media_upload(self, appid, params, body):
        media_type = params.get("type")
        if media_type not in MEDIA_TYPES:
            return _error(40004)
        part = isinstance(body, dict) and body.get("media")
        if not part or not isinstance(part, tuple) or not part[2]:
            return _error(41005)
        filename, content_type, content = part
        media_id = f"MEDIA_{next(self._serial)}_{secrets.token_hex(6)}"
        self._media[media_id] = (content, content_type, filename or media_id)
        created_at = int(self.clock().replace(tzinfo=UTC).timestamp())
        return {"type": media_type, "media_id": media_id, "created_at": created_at}

    def _media_get(self, appid, params, body):
        media_id = params.get("media_id")
        media = self._media.get(media_id)
        if not media:
            return _error(40007)
        content, content_type, filename = media
        if content_type.startswith("video/"):
            # Videos are not served by media/get: it answers where to fetch them.
            return {"video_url": f"{self.base_url.removesuffix('/cgi-bin/')}/{VIDEO_PATH}{media_id}"}
        headers = {"Content-disposition": f'attachment; filename="{filename}"'}
        return 200, content_type, content, headers

    def _video(self, media_id):
        """The download address media/get gives for a video (WeChat's CDN: no token)."""
        media = self._media.get(media_id)
        if not media or not media[1].startswith("video/"):
            return 404, "text/plain", b"not found", {}
        return 200, media[1], media[0], {}

    def _menu_create(self, appid, params, body):
        buttons = body.get("button")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            return _error(40016)
        for button in buttons:
            subs = button.get("sub_button")
            if subs:
                if not 1 <= len(subs) <= 5:
                    return _error(40023)
                if not 0 < len(button.get("name", "").encode()) <= 16:
                    return _error(40018)
                for sub in subs:
                    if sub.get("sub_button"):
                        return _error(40022, "invalid sub button level")
                    error = self._check_button(sub, sub=True)
                    if error:
                        return error
            else:
                error = self._check_button(button, sub=False)
                if error:
                    return error
        self._menus[appid] = {"button": buttons}
        return dict(OK)

    @staticmethod
    def _check_button(button, sub):
        codes = (40024, 40025, 40026, 40027) if sub else (40017, 40018, 40019, 40020)
        kind = button.get("type")
        if kind not in BUTTON_TYPES:
            return _error(codes[0])
        if not 0 < len(button.get("name", "").encode()) <= (60 if sub else 16):
            return _error(codes[1])
        if kind == "view":
            if not 0 < len((button.get("url") or "").encode()) <= 1024:
                return _error(codes[3])
        elif kind not in ("media_id", "article_id", "article_view_limited", "miniprogram"):
            if not 0 < len((button.get("key") or "").encode()) <= 128:
                return _error(codes[2])
        return None

    def _menu_get(self, appid, params, body):
        menu = self._menus.get(appid)
        if not menu:
            return _error(46003)
        return {"menu": menu}

    def _menu_delete(self, appid, params, body):
        self._menus.pop(appid, None)
        return dict(OK)

    def _callback_ip(self, appid, params, body):
        return {"ip_list": ["127.0.0.1"]}

    def _qrcode_create(self, appid, params, body):
        action = body.get("action_name")
        scene = (body.get("action_info") or {}).get("scene") or {}
        if action in ("QR_SCENE", "QR_LIMIT_SCENE"):
            value = scene.get("scene_id")
            if not isinstance(value, int) or value <= 0 or (
                action == "QR_LIMIT_SCENE" and value > 100000
            ):
                return _error(40097)
        elif action in ("QR_STR_SCENE", "QR_LIMIT_STR_SCENE"):
            value = scene.get("scene_str")
            if not isinstance(value, str) or not 1 <= len(value) <= 64:
                return _error(40097)
        else:
            return _error(40097)
        temporary = action in ("QR_SCENE", "QR_STR_SCENE")
        expire = body.get("expire_seconds", QR_DEFAULT_EXPIRE) if temporary else None
        if temporary and (not isinstance(expire, int) or not 0 < expire <= QR_MAX_EXPIRE):
            return _error(40097)
        ticket = f"gQ{secrets.token_urlsafe(24)}"
        url = f"http://weixin.qq.com/q/{secrets.token_urlsafe(16)}"
        self._qrcodes[ticket] = {
            "appid": appid, "action_name": action, "scene": value, "url": url,
            "expires_at": temporary and self.clock() + timedelta(seconds=expire),
        }
        result = {"ticket": ticket, "url": url}
        if temporary:
            result["expire_seconds"] = expire
        return result

    def _template_send(self, appid, params, body):
        openid = body.get("touser")
        if not openid:
            return _error(40003)
        template_id = body.get("template_id")
        if not template_id or (self._templates is not None and template_id not in self._templates):
            return _error(40037)
        if not isinstance(body.get("data"), dict):
            return _error(47001)
        if not self._user(openid)["subscribed"]:
            return _error(43004)
        return {"errcode": 0, "errmsg": "ok", "msgid": next(self._serial)}

    def _user_info(self, appid, params, body):
        openid = params.get("openid")
        if not openid:
            return _error(40003)
        user = self._user(openid)
        if not user["subscribed"]:
            return {"subscribe": 0, "openid": openid}
        info = {
            "subscribe": 1, "openid": openid, "language": "zh_CN",
            "subscribe_time": user.get("subscribe_time", 1700000000), "remark": "",
            "groupid": 0, "tagid_list": [], "subscribe_scene": "ADD_SCENE_QR_CODE",
            "qr_scene": 0, "qr_scene_str": "",
        }
        if user.get("nickname"):
            info["nickname"] = user["nickname"]
        if user.get("unionid"):
            info["unionid"] = user["unionid"]
        info.update({k: v for k, v in user.items() if k not in ("subscribed", "nickname", "unionid")})
        return info


ENDPOINTS = {
    "message/custom/send": WeChatFake._custom_send,
    "media/upload": WeChatFake._media_upload,
    "media/get": WeChatFake._media_get,
    "menu/create": WeChatFake._menu_create,
    "menu/get": WeChatFake._menu_get,
    "menu/delete": WeChatFake._menu_delete,
    "getcallbackip": WeChatFake._callback_ip,
    "qrcode/create": WeChatFake._qrcode_create,
    "message/template/send": WeChatFake._template_send,
    "user/info": WeChatFake._user_info,
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WeChatFake/1.0"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        """Silent: the test harness treats stray output as noise."""

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def _serve(self, method):
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        prefix = "/cgi-bin/"
        path = url.path[len(prefix):] if url.path.startswith(prefix) else url.path.lstrip("/")
        delay = self.server.fake._delays.get(path)
        if delay:
            time.sleep(delay)
        body = None
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = self._decode(raw) if raw else None
        status, content_type, payload, headers = self.server.fake._handle(
            method, path, params, body
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _decode(self, raw):
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
            )
            parts = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                parts[name] = (
                    part.get_filename(), part.get_content_type(), part.get_payload(decode=True)
                )
            return parts
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return {"__raw__": raw}
