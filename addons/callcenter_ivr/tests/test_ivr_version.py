import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IvrCommon


@tagged("callcenter")
class TestIvrVersion(IvrCommon):
    def assertProblem(self, fragment, version=None):
        problems = (version or self.version)._callcenter_problems()
        self.assertTrue(any(fragment in p for p in problems), f"{fragment!r} not in {problems}")
        with self.assertRaises(UserError) as caught:
            (version or self.version).action_publish()
        self.assertIn(fragment, str(caught.exception))
        self.assertEqual((version or self.version).state, "draft")

    def test_valid_flow_publishes_and_compiles(self):
        self.assertEqual(self.version._callcenter_problems(), [])
        self.version.action_publish()
        self.assertEqual(self.version.state, "published")
        self.assertEqual(self.flow.published_version_id, self.version)
        definition = json.loads(self.version.definition)
        self.assertEqual(definition["start"], str(self.welcome.id))
        self.assertEqual(definition["fallback_queue"], "support")
        menu = definition["nodes"][str(self.menu.id)]
        self.assertEqual(menu["options"], {"1": str(self.support.id), "2": str(self.sales.id)})
        self.assertEqual(menu["failure"], str(self.support.id))
        self.assertEqual(menu["max_digits"], 1)
        self.assertEqual(menu["timeout_ms"], 5000)
        self.assertRegex(menu["prompt"]["en"], r"^callcenter/ivr-\d+-en-[0-9a-f]{10}$")
        support = definition["nodes"][str(self.support.id)]
        self.assertEqual((support["queue"], support["next"], support["failure"]),
                         ("support", str(self.rating.id), None))

    def test_unreachable_node(self):
        self._node("Forgotten", "hangup")
        self.assertProblem("Node “Forgotten” cannot be reached from the start node.")

    def test_dead_end(self):
        self.welcome.next_node_id = False
        self.assertProblem("Node “Welcome” is a dead end")

    def test_dead_end_menu_key(self):
        self.menu.option_ids.filtered(lambda o: o.key == "2").target_node_id = False
        self.assertProblem("Node “Menu” is a dead end: key 2 leads nowhere.")

    def test_missing_prompt(self):
        self.menu.prompt_id = False
        self.assertProblem("Node “Menu” has no prompt.")

    def test_prompt_without_audio(self):
        silent = self.env["callcenter.ivr.prompt"].create({"name": "Not recorded", "text": "Hi"})
        self.welcome.prompt_id = silent
        self.assertProblem("prompt “Not recorded” has no audio yet")

    def test_loop_that_never_waits(self):
        goto = self._node("Again", "goto", next_node_id=self.welcome.id)
        self.welcome.next_node_id = goto
        self.assertProblem("Nodes “Welcome”, “Again” form a loop that never waits for the caller.")

    def test_loop_through_menu_is_fine(self):
        self.menu.option_ids.create({"node_id": self.menu.id, "key": "0",
                                     "target_node_id": self.welcome.id})
        self.assertEqual(self.version._callcenter_problems(), [])

    def test_menu_without_invalid_path(self):
        self.menu.failure_node_id = False
        self.assertProblem("Node “Menu” has no path for invalid input")

    def test_configuration_problems_name_their_node(self):
        cases = [
            ("queue", {}, "has no queue"),
            ("agent", {}, "has neither an agent with a device nor an extension"),
            ("external", {}, "has no external number"),
            ("voicemail", {}, "has no mailbox"),
            ("time", {"next_node_id": self.menu.id, "failure_node_id": self.menu.id},
             "has no opening hours"),
            ("http", {"url": "ftp://x", "next_node_id": self.menu.id,
                      "failure_node_id": self.menu.id}, "needs an http:// or https:// URL"),
            ("language", {"prompt_id": self.prompt.id, "next_node_id": self.menu.id},
             "offers no language"),
        ]
        for kind, values, fragment in cases:
            with self.subTest(kind=kind):
                node = self._node(f"Bad {kind}", kind, **values)
                self.welcome.next_node_id = node
                problems = self.version._callcenter_problems()
                self.assertIn(f"Node “Bad {kind}” {fragment}", "\n".join(problems))
                node.unlink()
        self.welcome.next_node_id = self.menu
        self.assertEqual(self.version._callcenter_problems(), [])

    def test_no_start_node(self):
        self.version.start_node_id = False
        self.assertProblem("The flow has no start node.")

    def test_published_version_cannot_change(self):
        self.version.action_publish()
        with self.assertRaisesRegex(UserError, "create a new version"):
            self.welcome.name = "Changed"
        with self.assertRaisesRegex(UserError, "create a new version"):
            self._node("Late", "hangup")
        with self.assertRaisesRegex(UserError, "create a new version"):
            self.menu.option_ids[:1].key = "5"
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.version.unlink()

    def test_new_version_copies_the_graph(self):
        self.version.action_publish()
        action = self.version.action_new_draft()
        draft = self.env["callcenter.ivr.version"].browse(action["res_id"])
        self.assertEqual((draft.state, draft.number), ("draft", 2))
        self.assertEqual(len(draft.node_ids), len(self.version.node_ids))
        self.assertFalse(draft.node_ids & self.version.node_ids)
        self.assertEqual(draft.start_node_id.name, "Welcome")
        self.assertEqual(draft.start_node_id.version_id, draft)
        menu = draft.node_ids.filtered(lambda n: n.name == "Menu")
        self.assertEqual(menu.option_ids.target_node_id.version_id, draft)
        self.assertEqual({o.key: o.target_node_id.name for o in menu.option_ids},
                         {"1": "Support", "2": "Sales"})
        self.assertEqual(menu.failure_node_id.version_id, draft)
        self.assertEqual(self.flow.draft_version_id, draft)
        with self.assertRaisesRegex(UserError, "already has a draft"):
            self.version.action_new_draft()

    def test_publish_during_a_live_call(self):
        """The connector fetches definitions by version: the retired one stays served."""
        self.version.action_publish()
        first = self.version
        draft = self.env["callcenter.ivr.version"].browse(first.action_new_draft()["res_id"])
        draft.node_ids.filtered(lambda n: n.name == "Welcome").name = "Welcome v2"
        draft.action_publish()
        self.assertEqual((first.state, draft.state), ("retired", "published"))
        pbx = self.pbx.with_user(self.user_connector)
        runtime = pbx.callcenter_ivr_runtime()
        self.assertEqual(self.flow.published_version_id, draft)
        served = pbx.callcenter_ivr_definitions([first.id, draft.id])
        self.assertEqual(set(served), {str(first.id), str(draft.id)})
        self.assertEqual(served[str(first.id)]["nodes"][served[str(first.id)]["start"]]["name"], "Welcome")
        self.assertEqual(served[str(draft.id)]["nodes"][served[str(draft.id)]["start"]]["name"],
                         "Welcome v2")
        self.assertIn("stamp", runtime)

    def test_diagram(self):
        diagram = self.version.diagram
        self.assertEqual(diagram["start"], self.welcome.id)
        menu = next(n for n in diagram["nodes"] if n["id"] == self.menu.id)
        self.assertEqual([(e["branch"], e["target"]) for e in menu["edges"]],
                         [("1", self.support.id), ("2", self.sales.id), ("failure", self.support.id)])
