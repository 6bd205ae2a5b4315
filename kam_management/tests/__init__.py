from . import test_foundation
from . import test_i18n
