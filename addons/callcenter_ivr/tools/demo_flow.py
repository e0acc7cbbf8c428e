"""The demo hotline: what a Chinese service center's main number typically does,
built through the same models an admin uses, then spoken and published."""

import logging
import shutil

_logger = logging.getLogger(__name__)

PROMPTS = {
    "language": ("Language choice", "For English, press 1.", "普通话请按2。For English, press 1."),
    "welcome": ("Welcome", "Welcome to the service hotline.", "您好，欢迎致电客户服务热线。"),
    "menu": ("Main menu", "For technical support, press 1. For sales, press 2. For billing, press 3. "
             "To leave a message, press 9. To hear this again, press 0.",
             "技术支持请按1，购买咨询请按2，账单查询请按3，留言请按9，重听请按0。"),
    "invalid": ("Invalid key", "Sorry, that key is not valid.", "对不起，您的输入有误。"),
    "no_key": ("No key", "We did not hear your choice.", "我们没有收到您的选择。"),
    "closed": ("Closed", "Our service center is closed. Please leave a message after the tone.",
               "我们的服务时间是每天八点至二十二点，现在已下班。请在提示音后留言。"),
    "rating": ("Rating", "Please rate our service from 1 to 5, 5 being excellent.",
               "请为本次服务评分，非常满意请按5，不满意请按1。"),
    "thanks": ("Thank you", "Thank you for your feedback. Goodbye.", "感谢您的评价，再见。"),
    "goodbye": ("Goodbye", "We cannot take your call. Goodbye.", "很抱歉，无法接听您的来电，再见。"),
}


def build(flow, queues):
    """Nodes of `flow`'s draft; speech and publication when the engines are there."""
    env = flow.env
    Prompt = env["callcenter.ivr.prompt"]
    env["res.lang"]._activate_lang("zh_CN")
    prompts = {}
    for key, (name, english, chinese) in PROMPTS.items():
        prompt = Prompt.create({"name": name, "source": "tts", "text": english})
        prompt.update_field_translations("text", {"zh_CN": chinese})
        prompts[key] = prompt
    version = flow.version_ids[:1]
    Node = env["callcenter.ivr.node"]

    def node(name, kind, **values):
        return Node.create({"version_id": version.id, "name": name, "kind": kind, **values})

    hours = node("Opening hours", "time", calendar_id=env.ref("callcenter_ivr.callcenter_calendar_demo").id)
    language = node("Language", "language", prompt_id=prompts["language"].id, timeout=4.0, attempts=1)
    lookup = node("Who is calling", "lookup")
    welcome = node("Welcome", "play", prompt_id=prompts["welcome"].id)
    menu = node("Main menu", "menu", prompt_id=prompts["menu"].id,
                invalid_prompt_id=prompts["invalid"].id, timeout_prompt_id=prompts["no_key"].id,
                direct_dial=False)
    rating = node("Rating", "rating", prompt_id=prompts["rating"].id,
                  thanks_prompt_id=prompts["thanks"].id)
    routes = {
        key: node(f"{queue.name} queue", "queue", queue_id=queue.id, next_node_id=rating.id)
        for key, queue in queues.items()
    }
    closed = node("Closed message", "play", prompt_id=prompts["closed"].id)
    mailbox = node("Support mailbox", "voicemail", voicemail_queue_id=queues["1"].id, max_seconds=90)
    refused = node("Blacklisted caller", "hangup", prompt_id=prompts["goodbye"].id)
    hours.write({"next_node_id": language.id, "failure_node_id": closed.id})
    language.write({"next_node_id": lookup.id, "option_ids": [
        (0, 0, {"key": "1", "language": "en", "label": "English"}),
        (0, 0, {"key": "2", "language": "zh", "label": "中文"})]})
    lookup.write({"next_node_id": welcome.id, "failure_node_id": welcome.id,
                  "blacklisted_node_id": refused.id})
    welcome.next_node_id = menu
    closed.next_node_id = mailbox
    menu.write({"failure_node_id": routes["1"].id, "option_ids": [
        (0, 0, {"key": key, "target_node_id": target.id, "label": label})
        for key, target, label in [("1", routes["1"], "Support"), ("2", routes["2"], "Sales"),
                                   ("3", routes["3"], "Billing"), ("9", mailbox, "Message"),
                                   ("0", menu, "Repeat")]]})
    for route in routes.values():
        route.failure_node_id = mailbox
    version.start_node_id = hours
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        _logger.warning("IVR demo flow left as a draft: espeak-ng and sox are not installed")
        return
    Prompt.browse([p.id for p in prompts.values()]).action_generate_speech()
    version.action_publish()
