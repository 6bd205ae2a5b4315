from . import kam_account_type
from . import res_company
from . import res_config_settings
from . import res_partner
from . import crm_lead
from . import sale_order
