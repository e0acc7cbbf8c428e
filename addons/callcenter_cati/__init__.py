# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tools import SQL

from . import controllers
from . import models
from . import wizard
from .models.callcenter_cati_case import LOCK_FUNCTION


def uninstall_hook(env):
    """The scheduler's lock function is not a model's: Odoo would leave it behind."""
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", LOCK_FUNCTION))
