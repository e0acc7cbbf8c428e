import base64

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IvrCommon, silence_wav


@tagged("callcenter")
class TestVoicemailAccess(IvrCommon):
    """Only the mailbox's agent (the queue's agents for a queue mailbox), the team
    leads above them and managers may read a voicemail or hear its audio."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Voicemail = cls.env["callcenter.voicemail"]
        cls.for_agent = Voicemail.create({"name": "For the support agent", "pbx_id": cls.pbx.id,
                                          "agent_id": cls.agent.id, "linkedid": "a"})
        cls.for_sales_agent = Voicemail.create({"name": "For the sales agent", "pbx_id": cls.pbx.id,
                                                "agent_id": cls.agent_sales.id, "linkedid": "b"})
        cls.for_support_queue = Voicemail.create({"name": "Support mailbox", "pbx_id": cls.pbx.id,
                                                  "queue_id": cls.queue_support.id, "linkedid": "c"})
        cls.for_sales_queue = Voicemail.create({"name": "Sales mailbox", "pbx_id": cls.pbx.id,
                                                "queue_id": cls.queue_sales.id, "linkedid": "d"})
        cls.audio = cls.env["ir.attachment"].create({
            "name": "vm.wav", "res_model": "callcenter.voicemail", "res_id": cls.for_sales_agent.id,
            "datas": base64.b64encode(silence_wav()), "mimetype": "audio/wav"})
        cls.for_sales_agent.audio_attachment_id = cls.audio

    def visible(self, user):
        return set(self.env["callcenter.voicemail"].with_user(user).search([]).mapped("name"))

    def test_agents_see_their_mailboxes(self):
        self.assertEqual(self.visible(self.user_agent), {"For the support agent", "Support mailbox"})
        self.assertEqual(self.visible(self.user_agent_sales), {"For the sales agent", "Sales mailbox"})

    def test_team_lead_sees_the_queues_led(self):
        self.assertEqual(self.visible(self.user_lead), {"For the support agent", "Support mailbox"})

    def test_manager_sees_all(self):
        self.assertEqual(len(self.visible(self.user_manager)), 4)

    def test_audio_follows_the_voicemail(self):
        self.assertTrue(self.audio.with_user(self.user_agent_sales).raw)
        for user in (self.user_agent, self.user_lead, self.user_plain):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.audio.with_user(user).read(["raw"])
        with self.assertRaises(AccessError):
            self.for_sales_agent.with_user(self.user_plain).read(["name"])

    def test_agents_cannot_change_the_flow(self):
        with self.assertRaises(AccessError):
            self.flow.with_user(self.user_agent).read(["name"])
        with self.assertRaises(AccessError):
            self.welcome.with_user(self.user_lead).write({"name": "x"})
