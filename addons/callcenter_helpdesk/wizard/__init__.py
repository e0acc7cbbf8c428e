# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_helpdesk_transfer_wizard
