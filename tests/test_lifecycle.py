# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Install, upgrade and uninstall kam_management with the real `odoo` command line.

One database goes through the whole life of the addon, in order: install on a
fresh database with demo data, work with it over XML-RPC, upgrade with
`-u kam_management`, uninstall. Partners, leads, orders and invoices must stay
intact and usable at the end.
"""

import xmlrpc.client

import pytest
from odoo_server import create_db, drop_db, psql, run_odoo, server

COUNTS = {
    # name: (table, Odoo model, extra condition)
    "partners": ("res_partner", "res.partner", "TRUE"),
    "leads": ("crm_lead", "crm.lead", "TRUE"),
    "orders": ("sale_order", "sale.order", "TRUE"),
    "invoices": ("account_move", "account.move", "move_type IN ('out_invoice', 'out_refund')"),
    "invoice_lines": ("account_move_line", "account.move.line", "TRUE"),
}


def counts(db):
    """Row counts of Odoo's business tables."""
    return {name: psql(db, f"SELECT count(*) FROM {table} WHERE {where}")[0][0]
            for name, (table, _model, where) in COUNTS.items()}


def users_records(db):
    """Ids of the business records that do not come from the addon's own data files.

    Uninstalling a module removes the records of its data files (here: its
    demo story), as Odoo does for every module; everything else must stay.
    """
    result = {}
    for name, (table, model, where) in COUNTS.items():
        rows = psql(db, f"SELECT id FROM {table} WHERE {where} AND id NOT IN ("
                    "SELECT res_id FROM ir_model_data WHERE module = 'kam_management' "
                    f"AND model = '{model}')")
        result[name] = {row[0] for row in rows}
    return result


@pytest.fixture(scope="module")
def db():
    name = create_db("kam_lifecycle")
    try:
        yield name
    finally:
        drop_db(name)


@pytest.fixture(scope="module")
def state():
    return {}


def test_1_install_on_fresh_database(db, state):
    run_odoo(db, "-i", "kam_management", "--stop-after-init")
    assert psql(db, "SELECT state FROM ir_module_module WHERE name = 'kam_management'") == [
        ("installed",)
    ]
    # Seeded configuration and the Key Accounts menu are there.
    assert psql(db, "SELECT count(*) FROM kam_account_type")[0][0] >= 6
    assert psql(
        db, "SELECT count(*) FROM ir_model_data WHERE module = 'kam_management' "
        "AND name IN ('kam_menu_root', 'group_kam_user', 'group_kam_manager')",
    )[0][0] == 3
    state["before"] = counts(db)
    assert state["before"]["partners"] > 0 and state["before"]["orders"] > 0


def test_2_xmlrpc_use_and_bad_input(db, state):
    with server(db) as odoo:
        assert odoo.call("ir.module.module", "search_count",
                         [("name", "=", "kam_management"), ("state", "=", "installed")]) == 1
        company_id = odoo.call("res.users", "read", [odoo.uid], ["company_id"])[0]["company_id"][0]
        before = odoo.call("res.company", "read", [company_id], ["kam_key_share", "kam_mono_share"])
        with pytest.raises(xmlrpc.client.Fault) as err:
            odoo.call("res.company", "write", [company_id], {"kam_key_share": 150.0})
        assert "between 0 and 100" in err.value.faultString
        with pytest.raises(xmlrpc.client.Fault) as err:
            odoo.call("res.company", "write", [company_id],
                      {"kam_key_share": 30.0, "kam_critical_share": 20.0})
        assert "ordered" in err.value.faultString
        after = odoo.call("res.company", "read", [company_id], ["kam_key_share", "kam_mono_share"])
        assert after == before, "a refused write must change nothing"

        partner_id = odoo.call("res.partner", "create", {
            "name": "Lifecycle Key Account", "is_company": True, "kam_status": "key",
        })
        state["partner_id"] = partner_id
        assert odoo.call("res.partner", "read", [partner_id], ["kam_status"])[0]["kam_status"] == "key"
    state["before"] = counts(db)


def test_3_upgrade_keeps_data(db, state):
    run_odoo(db, "-u", "kam_management", "--stop-after-init")
    # The identity lives in the account's row of its company (kam.account).
    assert psql(db, "SELECT kam_status FROM kam_account WHERE partner_id = "
                    f"{int(state['partner_id'])}") == [("key",)]
    assert counts(db) == state["before"]


def test_4_uninstall_leaves_business_data_intact(db, state):
    kept = users_records(db)
    with server(db) as odoo:
        module_ids = odoo.call("ir.module.module", "search", [("name", "=", "kam_management")])
        odoo.call("ir.module.module", "button_immediate_uninstall", module_ids)
    assert psql(db, "SELECT state FROM ir_module_module WHERE name = 'kam_management'") == [
        ("uninstalled",)
    ]
    for name, (table, _model, _where) in COUNTS.items():
        ids = sorted(kept[name])
        left = psql(db, f"SELECT count(*) FROM {table} WHERE id = ANY(ARRAY{ids}::int[])")[0][0]
        assert left == len(ids), f"{len(ids) - left} {name} were lost by the uninstall"
    # The addon's columns and tables are gone, Odoo's own data is not.
    assert psql(db, "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = 'res_partner' AND column_name LIKE 'kam\\_%'")[0][0] == 0
    assert psql(db, "SELECT count(*) FROM information_schema.tables "
                "WHERE table_name LIKE 'kam\\_%'")[0][0] == 0
    # ... and usable: the partner of the test still opens, a lead can be created.
    with server(db) as odoo:
        partner = odoo.call("res.partner", "read", [state["partner_id"]], ["name"])
        assert partner[0]["name"] == "Lifecycle Key Account"
        lead_id = odoo.call("crm.lead", "create", {
            "name": "After uninstall", "partner_id": state["partner_id"],
        })
        assert lead_id
