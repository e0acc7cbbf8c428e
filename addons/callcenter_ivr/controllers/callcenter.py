from odoo import http
from odoo.http import request


class CallcenterIvrController(http.Controller):
    @http.route("/callcenter/ivr/sound/<int:pbx_id>/<int:audio_id>/<string:name>",
                type="http", auth="public", methods=["GET", "HEAD"], csrf=False)
    def ivr_sound(self, pbx_id, audio_id, name, token=None, **kwargs):
        """A prompt for Asterisk's media cache (URL delivery). No session: the URL is
        signed with the PBX's secret, and only prompt audio can be fetched."""
        # sudo: public route; the HMAC token checked below is the authorization.
        pbx = request.env["callcenter.pbx"].sudo().browse(pbx_id).exists()
        data = pbx._callcenter_ivr_sound(audio_id, token) if pbx else None
        if data is None:
            return request.not_found()
        return request.make_response(data, headers=[
            ("Content-Type", "audio/wav"), ("Cache-Control", "public, max-age=31536000, immutable"),
        ])

    @http.route("/callcenter/ivr/dialplan/<int:pbx_id>", type="http", auth="user")
    def ivr_dialplan(self, pbx_id, **kwargs):
        pbx = request.env["callcenter.pbx"].browse(pbx_id).exists()
        if not pbx or not request.env.user.has_group("callcenter_base.group_callcenter_manager"):
            return request.not_found()
        return request.make_response(pbx._callcenter_ivr_dialplan(), headers=[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Disposition", 'attachment; filename="extensions_callcenter.conf"'),
        ])
