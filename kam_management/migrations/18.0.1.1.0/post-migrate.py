# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Key-account identity per company: move the former res.partner columns into
``kam.account`` rows (one per client and company).

The company of a row is the partner's company when it has one; a shared
partner (no company) gets a row in every company where it has key-account
records (metrics, dossier, DMU, health, plans, contact log, plan lines),
else in the main company. The identity history tracked before the upgrade
stays on the partner's chatter; changes from now on are tracked per company
on the rows.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools.convert import convert_file
from odoo.tools.sql import column_exists, table_exists

_logger = logging.getLogger(__name__)

SCALAR_COLUMNS = (
    "kam_status", "kam_status_reason", "kam_key_since", "kam_user_id", "kam_level",
    "kam_level_team_id", "kam_level_department", "kam_is_vip", "kam_vip_review_date",
)
RECORD_TABLES = (
    "kam_partner_metric", "kam_dossier", "kam_dmu_member", "kam_account_health",
    "kam_account_plan", "kam_contact_log", "kam_comm_plan_line",
)
TEAM_TABLE = "res_partner_kam_team_user_rel"
TYPE_TABLE = "res_partner_kam_account_type_rel"


def migrate(cr, version):
    if not version:
        return
    _reload_record_rules(api.Environment(cr, SUPERUSER_ID, {}))
    if not column_exists(cr, "res_partner", "kam_status"):
        return
    columns = [column for column in SCALAR_COLUMNS if column_exists(cr, "res_partner", column)]
    has_team = table_exists(cr, TEAM_TABLE)
    has_types = table_exists(cr, TYPE_TABLE)
    # The partners that carry an identity: commercial entities only (contacts
    # held a synced copy).
    cr.execute(f"""
        SELECT p.id, p.company_id
          FROM res_partner p
         WHERE p.id = p.commercial_partner_id
           AND (COALESCE(p.kam_status, 'none') != 'none'
                OR p.kam_user_id IS NOT NULL
                OR COALESCE(p.kam_is_vip, FALSE)
                OR p.kam_status_reason IS NOT NULL
                {f"OR EXISTS (SELECT 1 FROM {TEAM_TABLE} t WHERE t.partner_id = p.id)" if has_team else ""}
                {f"OR EXISTS (SELECT 1 FROM {TYPE_TABLE} t WHERE t.partner_id = p.id)" if has_types else ""})
    """)
    partners = cr.fetchall()
    if not partners:
        _logger.info("Key-account identities: nothing to migrate")
        return
    shared = [partner_id for partner_id, company_id in partners if not company_id]
    companies_of = {partner_id: {company_id} for partner_id, company_id in partners if company_id}
    for table in RECORD_TABLES:
        if shared and table_exists(cr, table):
            cr.execute(
                f"SELECT DISTINCT partner_id, company_id FROM {table} "
                "WHERE partner_id = ANY(%s) AND company_id IS NOT NULL",
                [shared],
            )
            for partner_id, company_id in cr.fetchall():
                companies_of.setdefault(partner_id, set()).add(company_id)
    cr.execute("SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_company'")
    row = cr.fetchone()
    if row:
        main_company_id = row[0]
    else:
        cr.execute("SELECT MIN(id) FROM res_company")
        main_company_id = cr.fetchone()[0]
    pairs = [
        (partner_id, company_id)
        for partner_id, _company_id in partners
        for company_id in sorted(companies_of.get(partner_id) or {main_company_id})
    ]
    select_columns = ", ".join(f"p.{column}" for column in columns)
    cr.execute(f"""
        INSERT INTO kam_account (partner_id, company_id, {", ".join(columns)},
                                 create_uid, write_uid, create_date, write_date)
        SELECT p.id, pairs.company_id, {select_columns},
               %s, %s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM unnest(%s::int[], %s::int[]) AS pairs(partner_id, company_id)
          JOIN res_partner p ON p.id = pairs.partner_id
        ON CONFLICT (partner_id, company_id) DO NOTHING
    """, [SUPERUSER_ID, SUPERUSER_ID, [p for p, _c in pairs], [c for _p, c in pairs]])
    cr.execute("UPDATE kam_account SET kam_status = 'none' WHERE kam_status IS NULL")
    cr.execute("UPDATE kam_account SET kam_level = 'company' WHERE kam_level IS NULL")
    if has_team:
        cr.execute(f"""
            INSERT INTO kam_account_team_user_rel (account_id, user_id)
            SELECT a.id, t.user_id FROM kam_account a JOIN {TEAM_TABLE} t ON t.partner_id = a.partner_id
            ON CONFLICT DO NOTHING
        """)
    if has_types:
        cr.execute(f"""
            INSERT INTO kam_account_account_type_rel (account_id, type_id)
            SELECT a.id, t.type_id FROM kam_account a JOIN {TYPE_TABLE} t ON t.partner_id = a.partner_id
            ON CONFLICT DO NOTHING
        """)
    _logger.info("Key-account identities: %s rows for %s partners", len(pairs), len(partners))
    # The former columns and tables: the identity now lives on kam.account.
    for column in columns:
        cr.execute(f'ALTER TABLE res_partner DROP COLUMN IF EXISTS "{column}"')
    for table in (TEAM_TABLE, TYPE_TABLE):
        cr.execute("DELETE FROM ir_model_relation WHERE name = %s", [table])
        cr.execute(f'DROP TABLE IF EXISTS "{table}"')
    # The stored copies (pipeline, health) follow the identity of their company.
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["kam.account"].search([])._kam_recompute_dependents()
    env.flush_all()


def _reload_record_rules(env):
    """The record rules are noupdate, so that an upgrade keeps what an
    administrator changed; the rules of the versions before this one read the
    former identity columns and are replaced once by the current ones."""
    convert_file(
        env, "kam_management", "security/kam_security_rules.xml", {}, mode="init",
        noupdate=True, kind="data",
    )
