from . import test_i18n
from . import test_wechat_client
from . import test_routing
from . import test_conversation
from . import test_stats
from . import test_portal
from . import test_inbound
from . import test_webhook
