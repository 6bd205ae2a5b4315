# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL
from odoo.tools.sql import column_exists


@tagged("post_install", "-at_install")
class TestMetricSchema(TransactionCase):
    """The metrics table of a database installed when its rows had a create
    and write user: the module update leaves it as a new install makes it."""

    def test_update_drops_the_columns_of_the_creating_user(self):
        Metric = self.env["kam.partner.metric"]
        self.env.cr.execute(SQL(
            """ALTER TABLE kam_partner_metric
                 ADD COLUMN create_uid int4 REFERENCES res_users(id) ON DELETE SET NULL,
                 ADD COLUMN write_uid int4 REFERENCES res_users(id) ON DELETE SET NULL,
                 ADD COLUMN create_date timestamp, ADD COLUMN write_date timestamp"""
        ))
        Metric.init()
        for name in ("create_uid", "write_uid", "create_date", "write_date"):
            self.assertFalse(column_exists(self.env.cr, Metric._table, name), name)
        [(foreign_keys,)] = self.env.execute_query(SQL(
            """SELECT count(*) FROM pg_constraint
                WHERE conrelid = 'kam_partner_metric'::regclass AND contype = 'f'"""
        ))
        # partner_id and company_id only: no check left for the user columns
        self.assertEqual(foreign_keys, 2)

    def test_update_drops_the_company_index(self):
        """A company holds most rows: its index would only slow the first run."""
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS kam_partner_metric__company_id_index"
            " ON kam_partner_metric (company_id)"
        ))
        self.env["kam.partner.metric"].init()
        indexes = [name for (name,) in self.env.execute_query(SQL(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'kam_partner_metric'"
        ))]
        self.assertNotIn("kam_partner_metric__company_id_index", indexes)
        self.assertIn("kam_partner_metric_partner_company_uniq", indexes)
