
from . import kam_portfolio_report
from . import kam_dossier_report
from . import kam_group_report
from . import kam_white_space
