# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.callcenter_helpdesk.models.callcenter_callback import OPEN_CALLBACK_STATES
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

FOLLOWUP_MODEL = "callcenter.helpdesk.followup"


class CallcenterPortal(CustomerPortal):
    """The contact's calls, callback requests and satisfaction follow-ups.

    Portal users have no ORM access to calls, callbacks or follow-ups: through
    JSON-RPC they would read every field (agent notes, agent, recording path,
    tags…). The pages read them with sudo under an explicit ownership domain (the
    user's commercial entity, their companies) and hand the templates plain
    values: only what the customer is meant to see. Nothing here takes a partner
    from the request.
    """

    _calls_per_page = 20

    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["callcenter_callback_available"] = bool(
            request.env["callcenter.callback"]._callcenter_portal_queues(self._callcenter_company())
        )
        values["callcenter_followup_available"] = FOLLOWUP_MODEL in request.env
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "callcenter_call_count" in counters:
            values["callcenter_call_count"] = self._callcenter_calls_sudo().search_count(
                self._callcenter_call_domain())
        if "callcenter_callback_count" in counters:
            values["callcenter_callback_count"] = self._callcenter_callbacks_sudo().search_count(
                [*self._callcenter_callback_domain(), ("state", "in", OPEN_CALLBACK_STATES)])
        if "callcenter_followup_count" in counters:
            values["callcenter_followup_count"] = (
                len(self._callcenter_followups(pending=True)) if FOLLOWUP_MODEL in request.env else 0
            )
        return values

    # ------------------------------------------------------------
    # CALLS
    # ------------------------------------------------------------

    def _callcenter_company(self):
        return request.env.user.partner_id.company_id or request.env.user.company_id

    def _callcenter_calls_sudo(self):
        # sudo: portal users have no access to calls; every search below is
        # restricted by _callcenter_call_domain() and only chosen values are shown.
        return request.env["callcenter.call"].sudo()

    def _callcenter_call_domain(self):
        """The user's calls: their commercial entity's, in their companies, no internal ones."""
        user = request.env.user
        return [
            ("partner_id", "child_of", user.partner_id.commercial_partner_id.id),
            ("company_id", "in", user.company_ids.ids),
            ("direction", "!=", "internal"),
        ]

    @http.route(["/my/calls", "/my/calls/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_calls(self, page=1, **kw):
        Call = self._callcenter_calls_sudo()
        domain = self._callcenter_call_domain()
        pager = portal_pager(
            url="/my/calls", total=Call.search_count(domain), page=page, step=self._calls_per_page
        )
        calls = Call.search(domain, limit=self._calls_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "callcenter_calls",
            "pager": pager,
            "default_url": "/my/calls",
            "callcenter_call_rows": [self._callcenter_call_row(call) for call in calls],
        })
        return request.render("callcenter_helpdesk.portal_my_calls", values)

    def _callcenter_call_row(self, call):
        """What the customer sees of one of their calls (`call` is read with sudo):
        plain values, so the template cannot reach the call's other fields."""
        return {
            "id": call.id,
            "started_at": call.started_at,
            "direction": call.direction,
            "queue": call.queue_id.name or "",
            "duration": _format_duration(call.talk_duration or call.total_duration),
            "recording": self._callcenter_recording_allowed(call),
        }

    def _callcenter_recording_allowed(self, call):
        """`call` is one of the user's calls, read with sudo."""
        return bool(call.company_id.callcenter_portal_recordings and call.recording_attachment_id)

    @http.route("/my/calls/<int:call_id>/recording", type="http", auth="user", website=True)
    def portal_my_call_recording(self, call_id, **kw):
        """Stream a recording to its customer, when the company lets customers hear them."""
        call = self._callcenter_calls_sudo().search(
            [("id", "=", call_id), *self._callcenter_call_domain()], limit=1)
        if not call or not self._callcenter_recording_allowed(call):
            raise NotFound()
        # sudo (from the search above): ownership and the company's setting were checked.
        stream = request.env["ir.binary"]._get_stream_from(call.recording_attachment_id)
        response = stream.get_response(as_attachment=False)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    # ------------------------------------------------------------
    # CALLBACKS
    # ------------------------------------------------------------

    def _callcenter_callbacks_sudo(self):
        # sudo: portal users have no access to callbacks; every search below is
        # restricted by _callcenter_callback_domain() and only chosen values are shown.
        return request.env["callcenter.callback"].sudo()

    def _callcenter_callback_domain(self):
        user = request.env.user
        return request.env["callcenter.callback"]._callcenter_portal_domain(
            user.partner_id, user.company_ids)

    @http.route(["/my/callbacks", "/my/callbacks/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_callbacks(self, page=1, requested=None, **kw):
        Callback = self._callcenter_callbacks_sudo()
        domain = self._callcenter_callback_domain()
        pager = portal_pager(
            url="/my/callbacks", total=Callback.search_count(domain), page=page,
            step=self._calls_per_page,
        )
        callbacks = Callback.search(
            domain, order="preferred_start desc, id desc", limit=self._calls_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "callcenter_callbacks",
            "pager": pager,
            "default_url": "/my/callbacks",
            "callback_rows": callbacks._callcenter_portal_rows(),
            "callback_requested": bool(requested),
        })
        return request.render("callcenter_helpdesk.portal_my_callbacks", values)

    @http.route("/my/callback", type="http", auth="user", website=True, methods=["GET"])
    def portal_callback_form(self, **kw):
        return self._callcenter_render_callback_form({}, {})

    @http.route("/my/callback", type="http", auth="user", website=True, methods=["POST"])
    def portal_callback_submit(self, **post):
        partner = request.env.user.partner_id
        # The model checks every value and binds the callback to the user's own contact.
        callback, errors = request.env["callcenter.callback"]._callcenter_portal_request(
            partner, post)
        if errors:
            return self._callcenter_render_callback_form(post, errors)
        return request.redirect(f"/my/callbacks?requested={callback.id}")

    def _callcenter_render_callback_form(self, form, errors):
        partner = request.env.user.partner_id
        queues = request.env["callcenter.callback"]._callcenter_portal_queues(
            self._callcenter_company())
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "callcenter_callback",
            "callback_queues": queues,
            "form": {
                "phone": partner.mobile or partner.phone or "",
                "queue_id": str(queues[:1].id) if len(queues) == 1 else "",
                "preferred_date": "",
                "window_from": "09:00",
                "window_to": "11:00",
                "note": "",
                **{key: value for key, value in form.items() if isinstance(value, str)},
            },
            "errors": errors,
        })
        return request.render("callcenter_helpdesk.portal_callback_form", values)

    # ------------------------------------------------------------
    # FOLLOW-UPS (satisfaction questionnaires)
    # ------------------------------------------------------------

    def _callcenter_followups_sudo(self):
        # sudo: portal users have no access to follow-ups; every search below is
        # restricted by _callcenter_followup_domain() (the user's own commercial entity).
        return request.env[FOLLOWUP_MODEL].sudo()

    def _callcenter_followup_domain(self):
        """The user's follow-ups, as their model's portal domain defines them."""
        return request.env[FOLLOWUP_MODEL]._callcenter_portal_domain(request.env.user.partner_id)

    def _callcenter_followups(self, pending=False):
        followups = self._callcenter_followups_sudo().search(self._callcenter_followup_domain())
        if pending:
            followups = followups.filtered(lambda f: f._callcenter_portal_can_answer())
        return followups

    def _callcenter_followup(self, followup_id):
        if FOLLOWUP_MODEL not in request.env:
            raise NotFound()
        followup = self._callcenter_followups_sudo().search(
            [("id", "=", followup_id), *self._callcenter_followup_domain()], limit=1)
        if not followup:
            raise NotFound()
        return followup

    @http.route(["/my/followups", "/my/followups/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_followups(self, page=1, **kw):
        if FOLLOWUP_MODEL not in request.env:
            return request.redirect("/my")
        Followup = self._callcenter_followups_sudo()
        domain = self._callcenter_followup_domain()
        pager = portal_pager(url="/my/followups", total=Followup.search_count(domain), page=page,
                             step=self._calls_per_page)
        followups = Followup.search(domain, limit=self._calls_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "callcenter_followups",
            "pager": pager,
            "followups": followups,
        })
        return request.render("callcenter_helpdesk.portal_my_followups", values)

    @http.route("/my/followups/<int:followup_id>", type="http", auth="user", website=True,
                methods=["GET"])
    def portal_followup_form(self, followup_id, **kw):
        return self._callcenter_render_followup(self._callcenter_followup(followup_id), {}, "")

    @http.route("/my/followups/<int:followup_id>", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_followup_answer(self, followup_id, **post):
        followup = self._callcenter_followup(followup_id)
        try:
            # As the portal user: the model checks the ownership once more.
            followup.sudo(False)._callcenter_portal_answer(post)
        except AccessError:
            raise NotFound() from None
        except UserError as exc:
            return self._callcenter_render_followup(followup, post, exc.args[0])
        return request.redirect(f"/my/followups/{followup.id}?answered=1")

    def _callcenter_render_followup(self, followup, form, error):
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "callcenter_followup",
            "followup": followup,
            "form": form,
            "error": error,
            "answered": bool(request.params.get("answered")),
        })
        return request.render("callcenter_helpdesk.portal_followup_form", values)


def _format_duration(seconds):
    minutes, seconds = divmod(int(seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
