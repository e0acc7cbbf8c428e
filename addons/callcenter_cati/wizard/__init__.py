# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import callcenter_cati_import_column
from . import callcenter_cati_import
