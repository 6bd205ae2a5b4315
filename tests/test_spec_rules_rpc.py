# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Spec rules of the key account over XML-RPC, as an integration would meet them.

- SPEC §1: a quotation to a key account carries a validity date. With Odoo's
  "quotation validity 0 = no expiry", creating one over RPC still works: it
  gets the key-account quotation validity of the company.
- SPEC §1, §5: the VIP review date is identity: recording a review (which
  rolls the date forward by the company's VIP review interval) is a KAM
  Manager's act, refused to the account's KAM and to a salesperson.
- SPEC §1: an individual (nobody's contact) can be a key account, with its
  account plan, contact log and communication plan.
"""

import datetime
import xmlrpc.client

import pytest
from odoo_server import create_db, drop_db, run_odoo, server

UTC = {"tz": "UTC"}
PASSWORD = "Spec-Rules-{}-Pw-31"


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def fault(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(*args, **kwargs)
    assert caught.value.faultCode in (2, 4), caught.value.faultString[-2000:]
    assert "Traceback" not in caught.value.faultString.splitlines()[0]
    return caught.value


@pytest.fixture(scope="module")
def world():
    db = create_db("kam_spec_rpc")
    try:
        run_odoo(db, "-i", "kam_management", "--stop-after-init")
        with server(db) as admin:
            def call(model, method, *args, **kwargs):
                kwargs["context"] = dict(UTC, **kwargs.get("context", {}))
                return admin.call(model, method, *args, **kwargs)

            company = call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
            groups = {
                "salesman": ["sales_team.group_sale_salesman"],
                "kam": ["kam_management.group_kam_user", "sales_team.group_sale_salesman"],
                "manager": ["kam_management.group_kam_manager"],
            }
            users = {}
            for key, xmlids in groups.items():
                group_ids = [
                    call("ir.model.data", "search_read",
                         [("module", "=", xmlid.split(".")[0]), ("name", "=", xmlid.split(".")[1])],
                         ["res_id"])[0]["res_id"]
                    for xmlid in xmlids
                ]
                uid = call("res.users", "create", {
                    "name": f"Spec {key}", "login": f"spec_{key}", "password": PASSWORD.format(key),
                    "tz": "UTC", "company_id": company, "company_ids": [(6, 0, [company])],
                    "groups_id": [(6, 0, group_ids)],
                }, context={"no_reset_password": True})
                users[key] = admin.as_user(f"spec_{key}", PASSWORD.format(key))
                assert users[key].uid == uid
            account = call("res.partner", "create", {
                "name": "Spec Key Account", "is_company": True, "company_id": company,
                "kam_status": "key", "kam_user_id": users["kam"].uid,
            })
            person = call("res.partner", "create", {"name": "Spec Buyer", "parent_id": account})
            individual = call("res.partner", "create", {
                "name": "Spec Individual", "is_company": False, "company_id": company,
                "kam_status": "key", "kam_user_id": users["kam"].uid,
            })
            plain = call("res.partner", "create", {"name": "Spec Plain Client", "is_company": True})
            yield {
                "call": call, "users": users, "company": company, "account": account,
                "person": person, "individual": individual, "plain": plain,
            }
    finally:
        drop_db(db)


def as_user(world, key):
    client = world["users"][key]

    def call(model, method, *args, **kwargs):
        kwargs["context"] = dict(UTC, **kwargs.get("context", {}))
        return client.call(model, method, *args, **kwargs)

    return call


def test_quotation_to_a_key_account_with_no_expiry_setting(world):
    """Company validity 0 (no expiry): created over RPC, the key account's
    quotation gets the key-account validity; other clients keep no expiry."""
    world["call"]("res.company", "write", [world["company"]],
                  {"quotation_validity_days": 0, "kam_quotation_validity_days": 20})
    salesman = as_user(world, "salesman")
    for partner in ("account", "person"):
        order = salesman("sale.order", "create", {"partner_id": world[partner]})
        [values] = salesman("sale.order", "read", [order], ["validity_date", "state"])
        assert values["state"] == "draft"
        assert values["validity_date"] == str(today() + datetime.timedelta(days=20)), partner
    order = salesman("sale.order", "create", {"partner_id": world["plain"]})
    assert salesman("sale.order", "read", [order], ["validity_date"])[0]["validity_date"] is False
    # The rule still holds: no quotation to a key account without an expiration date.
    error = fault(salesman, "sale.order", "create",
                  {"partner_id": world["account"], "validity_date": False})
    assert "must carry an expiration date" in error.faultString
    # The setting is bounded like every day count.
    fault(world["call"], "res.company", "write", [world["company"]],
          {"kam_quotation_validity_days": 0})


def test_vip_review_is_recorded_by_a_kam_manager_only(world):
    call = world["call"]
    account = world["account"]
    call("res.company", "write", [world["company"]], {"kam_vip_review_days": 120})
    call("res.partner", "write", [account], {"kam_is_vip": True})
    first = str(today() + datetime.timedelta(days=120))
    assert call("res.partner", "read", [account], ["kam_vip_review_date"])[0][
        "kam_vip_review_date"] == first, "made VIP: reviewed after the company's interval"
    call("res.partner", "write", [account], {"kam_vip_review_date": "2020-01-01"})
    for key in ("kam", "salesman"):
        fault(as_user(world, key), "res.partner", "action_kam_vip_reviewed", [account])
        assert call("res.partner", "read", [account], ["kam_vip_review_date"])[0][
            "kam_vip_review_date"] == "2020-01-01", key
    as_user(world, "manager")("res.partner", "action_kam_vip_reviewed", [account])
    assert call("res.partner", "read", [account], ["kam_vip_review_date"])[0][
        "kam_vip_review_date"] == first


def test_individual_key_account_records(world):
    kam = as_user(world, "kam")
    individual = world["individual"]
    plan = kam("kam.account.plan", "create", {
        "partner_id": individual, "date_from": f"{today().year}-01-01",
        "date_to": f"{today().year}-12-31",
    })
    log = kam("kam.contact.log", "create", {
        "partner_id": individual, "date": str(today()), "outcome": "positive",
        "channel": "phone",
    })
    line = kam("kam.comm.plan.line", "create", {
        "name": "Monthly call", "partner_id": individual, "user_id": world["users"]["kam"].uid,
        "kind": "call", "channel": "phone", "cadence_kind": "interval", "interval_days": 30,
    })
    health = kam("res.partner", "action_kam_open_health", [individual])["res_id"]
    for model, rid in (("kam.account.plan", plan), ("kam.contact.log", log),
                       ("kam.comm.plan.line", line), ("kam.account.health", health)):
        assert kam(model, "read", [rid], ["partner_id"])[0]["partner_id"][0] == individual, model
    # A contact of a company is no account of its own.
    fault(kam, "kam.account.plan", "create", {
        "partner_id": world["person"], "date_from": f"{today().year}-01-01",
        "date_to": f"{today().year}-12-31",
    })
