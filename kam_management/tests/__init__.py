from . import test_foundation
from . import test_i18n
from . import test_identification
from . import test_risk
from . import test_account_plan
from . import test_exports
