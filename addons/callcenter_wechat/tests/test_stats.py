# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.tests import tagged

from .conversation_common import ConversationCommon

DAY1 = datetime(2026, 3, 2, 4, 0)
DAY2 = datetime(2026, 3, 3, 4, 0)


@tagged("callcenter", "post_install", "-at_install")
class TestStats(ConversationCommon):
    """The figures the reports module reads: follows per day, conversations and first
    response time per agent."""

    def _event(self, event, at):
        return self._message(kind="event", event=event, at=at, state="processed")

    def test_follows_and_unfollows_per_day(self):
        self._event("subscribe", DAY1)
        self._event("subscribe", DAY1 + timedelta(hours=3))
        self._event("unsubscribe", DAY1 + timedelta(hours=5))
        self._event("subscribe", DAY2)
        self._event("click", DAY2)
        self._message(at=DAY2)
        self.env.flush_all()
        Report = self.env["callcenter.wechat.follow.report"].with_user(self.user_lead).with_context(tz="UTC")
        domain = [("account_id", "=", self.account.id)]
        self.assertEqual(Report.search_count(domain), 4, "one row per follow or unfollow")
        rows = Report._read_group(domain, ["event_time:day"],
                                  ["follows:sum", "unfollows:sum", "net_follows:sum"])
        self.assertEqual(
            [(day.date(), follows, unfollows, net) for day, follows, unfollows, net in rows],
            [(DAY1.date(), 2, 1, 1), (DAY2.date(), 1, 0, 1)],
        )

    def test_follows_by_day_in_the_readers_time_zone(self):
        """Days are the reader's: 20:00 UTC is the next day in Shanghai."""
        self._event("subscribe", DAY1 + timedelta(hours=16))
        self.env.flush_all()
        Report = self.env["callcenter.wechat.follow.report"].with_context(tz="Asia/Shanghai")
        rows = Report._read_group([("account_id", "=", self.account.id)], ["event_time:day"],
                                  ["follows:sum"])
        self.assertEqual([(day.date(), n) for day, n in rows], [(DAY2.date(), 1)])

    def test_first_response_per_agent(self):
        Follower = self.env["callcenter.wechat.follower"]
        answered = {self.agent: [30, 90], self.agent2: [60]}
        for agent, delays in answered.items():
            for delay in delays:
                follower = Follower.create({"account_id": self.account.id,
                                            "openid": f"o_stats_{agent.id}_{delay}"})
                self._receive(follower, at=DAY1).write({
                    "agent_id": agent.id, "state": "open",
                    "first_response_at": DAY1 + timedelta(seconds=delay),
                    "first_response_seconds": delay,
                })
        unanswered = self._receive(Follower.create({"account_id": self.account.id,
                                                    "openid": "o_stats_silent"}), at=DAY1)
        unanswered.write({"agent_id": self.agent2.id, "state": "open"})
        self.env.flush_all()
        rows = self.Conversation.with_user(self.user_lead).with_context(tz="UTC")._read_group(
            [("account_id", "=", self.account.id)], ["agent_id", "started_at:day"],
            ["__count", "first_response_seconds:avg"],
        )
        self.assertEqual(
            [(agent, day.date(), count, avg) for agent, day, count, avg in rows],
            [(self.agent, DAY1.date(), 2, 60.0), (self.agent2, DAY1.date(), 2, 60.0)],
            "unanswered conversations count, but not in the average response time",
        )

    def test_first_response_recorded_on_first_reply(self):
        self._log_in(self.agent)
        conversation = self._receive(at=DAY1)
        conversation._wechat_store_reply({"kind": "text", "body": "您好"})
        self.assertEqual(conversation.first_response_seconds,
                         int((conversation.first_response_at - DAY1).total_seconds()))
