# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The client-base block is derived from the metrics rows when it is read: the
``res_partner.kam_lifecycle_block`` column becomes ``kam_chosen_block``, the
block people chose.

The column keeps every value it had: working and regular written by the former
recompute give way to the block the orders earn, as they did, and stay shown
while no company's orders earn one, as they did. What users see is unchanged.
"""

import logging

from odoo.tools.sql import column_exists, rename_column

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    if column_exists(cr, "res_partner", "kam_lifecycle_block") and not column_exists(
        cr, "res_partner", "kam_chosen_block"
    ):
        rename_column(cr, "res_partner", "kam_lifecycle_block", "kam_chosen_block")
        _logger.info("res_partner.kam_lifecycle_block renamed kam_chosen_block")
