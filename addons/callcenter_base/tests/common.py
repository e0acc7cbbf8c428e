# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import threading
from datetime import datetime
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user

AGENT_GROUPS = "base.group_user,callcenter_base.group_callcenter_agent"
SUPERVISOR_GROUPS = "base.group_user,callcenter_base.group_callcenter_supervisor"
MANAGER_GROUPS = "base.group_user,callcenter_base.group_callcenter_manager"


class CallcenterCommon(TransactionCase):
    """Two queues, each with its own agent; a team lead of the first; a manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                       mail_create_nolog=True))
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.pbx = cls.env["callcenter.pbx"].create({
            "name": "Test PBX", "ami_host": "127.0.0.1", "ami_port": 5038,
            "ami_username": "odoo", "ami_secret": "s3cret", "default_region": "CN",
        })
        cls.user_agent = new_test_user(cls.env, "cc_agent", groups=AGENT_GROUPS, name="Agent Support")
        cls.user_agent_sales = new_test_user(cls.env, "cc_agent_sales", groups=AGENT_GROUPS,
                                             name="Agent Sales")
        cls.user_lead = new_test_user(cls.env, "cc_lead", groups=SUPERVISOR_GROUPS, name="Lead Support")
        cls.user_manager = new_test_user(cls.env, "cc_manager", groups=MANAGER_GROUPS, name="Manager")
        cls.user_plain = new_test_user(cls.env, "cc_plain", groups="base.group_user,base.group_partner_manager", name="Plain User")
        Agent = cls.env["callcenter.agent"]
        cls.agent = Agent.create({"user_id": cls.user_agent.id, "pbx_id": cls.pbx.id,
                                  "extension": "1001", "interface": "PJSIP/1001"})
        cls.agent_sales = Agent.create({"user_id": cls.user_agent_sales.id, "pbx_id": cls.pbx.id,
                                        "extension": "1002", "interface": "PJSIP/1002"})
        cls.agent_lead = Agent.create({"user_id": cls.user_lead.id, "pbx_id": cls.pbx.id,
                                       "extension": "1005", "interface": "PJSIP/1005"})
        Queue = cls.env["callcenter.queue"]
        cls.queue_support = Queue.create({
            "name": "Support", "asterisk_name": "support", "pbx_id": cls.pbx.id,
            "team_lead_ids": [(6, 0, cls.user_lead.ids)],
            "member_ids": [(0, 0, {"agent_id": cls.agent.id})],
        })
        cls.queue_sales = Queue.create({
            "name": "Sales", "asterisk_name": "sales", "pbx_id": cls.pbx.id,
            "member_ids": [(0, 0, {"agent_id": cls.agent_sales.id})],
        })
        cls.partner = cls.env["res.partner"].create({
            "name": "赵磊", "mobile": "+86 136 6666 1234", "country_id": cls.env.ref("base.cn").id,
        })

    @classmethod
    def _attach_recording(cls, call, content=b"RIFF....WAVEfmt "):
        """A WAV attachment as the call's recording, as the connector files it."""
        attachment = cls.env["ir.attachment"].create({
            "name": f"{call.linkedid}.wav", "res_model": "callcenter.call", "res_id": call.id,
            "datas": base64.b64encode(content), "mimetype": "audio/wav",
        })
        call.recording_attachment_id = attachment
        return attachment

    def _record_pbx_commands(self):
        """Commands sent to the connector during the test, as (action, params), all accepted."""
        commands = []

        def command(pbx, action, **params):
            commands.append((action, params))
            return {"ok": True}

        self.startPatcher(patch.object(type(self.env["callcenter.pbx"]), "_callcenter_command",
                                       command))
        return commands

    @classmethod
    def _create_call(cls, queue=None, agent=None, **values):
        start = values.pop("started_at", datetime(2026, 11, 2, 9, 0, 0))
        return cls.env["callcenter.call"].create({
            "pbx_id": cls.pbx.id,
            "direction": "inbound",
            "caller_number_raw": "13666661234",
            "callee_number_raw": "4001",
            "queue_id": queue.id if queue else False,
            "agent_id": agent.id if agent else False,
            "started_at": start,
            **values,
        })


def untranslated_terms(env, module, lang="zh_CN"):
    """Source terms of `module` (code, views, data) that its i18n/<lang>.po does not translate."""
    import polib

    from odoo.modules.module import get_module_path
    from odoo.tools.translate import TranslationModuleReader

    po_path = f"{get_module_path(module)}/i18n/{lang}.po"
    translated = {entry.msgid for entry in polib.pofile(po_path) if entry.msgstr.strip()}
    sources = {
        term[4] for term in TranslationModuleReader(env.cr, [module]) if term[4] and term[4].strip()
    }
    return sorted(sources - translated)


def run_at_once(db, work, arguments, context=None, timeout=60):
    """Run `work(env, barrier, *args)` for each tuple of `arguments` in a thread of its
    own, each on its own connection and transaction; returns what the threads raised.

    The workers meet at `barrier` (each calls `barrier.wait()` where it wants the
    others to start). Environments are made here, not in the threads: the thread
    running the tests holds the registry lock, which Environment() takes, for as
    long as the tests run.
    """
    cursors = [db.cursor() for _args in arguments]
    envs = [api.Environment(cr, SUPERUSER_ID, dict(context or {})) for cr in cursors]
    barrier = threading.Barrier(len(arguments), timeout=30)
    errors = []

    def run(env, args):
        try:
            work(env, barrier, *args)
        except Exception as exc:  # noqa: BLE001 - a thread cannot fail the test itself
            errors.append(repr(exc))
            barrier.abort()

    threads = [threading.Thread(target=run, args=(env, args)) for env, args in zip(envs, arguments)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
    finally:
        for cr in cursors:
            cr.close()
    return errors
