# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import kam_promote_wizard
from . import kam_demote_wizard
from . import kam_demote_wizard_winback
from . import kam_export_wizard
from . import kam_contact_outcome_wizard
from . import kam_contact_outcome_wizard_feedback
from . import kam_plan_line_skip_wizard
from . import kam_handover_wizard
from . import kam_comm_plan_apply_wizard
from . import base_partner_merge_automatic_wizard
