# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Facts for the calls and agent states recorded before the module was installed."""
    env["callcenter.report.pending.interval"]._callcenter_rebuild_facts()
