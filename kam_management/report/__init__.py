# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import kam_portfolio_report
from . import kam_dossier_report
from . import kam_group_report
from . import kam_white_space
from . import kam_portfolio_report_feedback
