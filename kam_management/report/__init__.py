
from . import kam_portfolio_report
from . import kam_dossier_report
from . import kam_portfolio_report_feedback
