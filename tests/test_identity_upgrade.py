# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Upgrade to the per-company key-account identity keeps the key accounts.

The addon is installed from the last commit where the identity was a set of
columns of res.partner, key accounts are made with that code, then the
database is upgraded with the current code (`-u kam_management`): every
identity must be found again in ``kam.account``, in the right company (the
partner's company; a shared partner: the companies of its KAM records, else
the main company), with its team and types, and the pipeline keeps it.
"""

import io
import json
import os
import subprocess
import tarfile

import pytest
from odoo_server import ROOT, create_db, drop_db, odoo_command, psql, run_odoo

# The last commit whose identity lives in res.partner columns.
BASE_COMMIT = "762ab42"

SETUP = r"""
import json
from odoo import Command
env = env(su=True)
main = env.ref("base.main_company")
company_b = env["res.company"].create({"name": "Upgrade Company B"})
Users = env["res.users"].with_context(no_reset_password=True)
kam = Users.create({"name": "Upgrade KAM", "login": "upgrade_kam",
                    "groups_id": [Command.set([env.ref("kam_management.group_kam_user").id])],
                    "company_ids": [Command.set((main | company_b).ids)], "company_id": main.id})
mate = Users.create({"name": "Upgrade Mate", "login": "upgrade_mate",
                     "groups_id": [Command.set([env.ref("kam_management.group_kam_user").id])]})
kam_type = env["kam.account.type"].search([], limit=1)
team = env["crm.team"].search([], limit=1)
Partner = env["res.partner"]
local = Partner.create({
    "name": "Upgrade Local Key", "is_company": True, "company_id": main.id,
    "kam_status": "key", "kam_status_reason": "Largest client", "kam_key_since": "2024-03-01",
    "kam_user_id": kam.id, "kam_team_user_ids": [Command.set(mate.ids)],
    "kam_type_ids": [Command.set(kam_type.ids)], "kam_level": "team", "kam_level_team_id": team.id,
    "kam_is_vip": True, "kam_vip_review_date": "2030-01-31",
})
contact = Partner.create({"name": "Upgrade Contact", "parent_id": local.id})
shared = Partner.create({
    "name": "Upgrade Shared Key", "is_company": True, "kam_status": "key", "kam_user_id": kam.id,
})
env["kam.partner.metric"].create({"partner_id": shared.id, "company_id": company_b.id, "share": 12.0})
former = Partner.create({"name": "Upgrade Former", "is_company": True, "kam_status": "former",
                         "kam_status_reason": "Left us", "kam_lifecycle_block": "dead"})
# A client the former recompute placed in the regular block (a stored column then).
plain = Partner.create({"name": "Upgrade Plain", "is_company": True, "kam_lifecycle_block": "regular"})
lead = env["crm.lead"].create({"name": "Upgrade Deal", "type": "opportunity",
                               "partner_id": contact.id, "company_id": main.id})
env.cr.commit()
print("RESULT" + json.dumps({
    "main": main.id, "company_b": company_b.id, "kam": kam.id, "mate": mate.id,
    "type": kam_type.id, "team": team.id, "local": local.id, "shared": shared.id,
    "former": former.id, "contact": contact.id, "lead": lead.id, "plain": plain.id,
    "lead_status": lead.kam_partner_status,
}))
"""

CHECK = r"""
import json
ids = json.loads(IDS)
env = env(su=True)
Partner = env["res.partner"]
out = {}
for name in ("local", "shared", "former", "contact"):
    for company in ("main", "company_b"):
        partner = Partner.with_company(ids[company]).browse(ids[name])
        out[f"{name}@{company}"] = [partner.kam_status, partner.kam_user_id.id]
lead = env["crm.lead"].browse(ids["lead"])
out["lead"] = [lead.kam_partner_status, lead.kam_account_user_id.id]
out["blocks"] = {name: Partner.browse(ids[name]).kam_lifecycle_block for name in ("former", "plain", "local")}
cron = env.ref("kam_management.ir_cron_kam_recompute_metrics")
out["cron"] = [cron.model_id.model, cron.code]
print("RESULT" + json.dumps(out))
"""


def _with_addons(command, addons_root):
    """``command`` with ``addons_root`` in place of this repository on the addons path."""
    result = []
    for arg in command:
        if arg.startswith("--addons-path="):
            paths = [p for p in arg.split("=", 1)[1].split(",") if os.path.abspath(p) != ROOT]
            arg = "--addons-path=" + ",".join([*paths, addons_root])
        result.append(arg)
    return result


def _shell(db, script, addons_root=ROOT, extra_code=""):
    command = _with_addons(odoo_command(db), addons_root)
    first_option = next(i for i, arg in enumerate(command) if arg.startswith("--"))
    command[first_option:first_option] = ["shell"]
    res = subprocess.run(
        [*command, "--no-http"], input=extra_code + script, env=dict(os.environ, TZ="UTC"),
        capture_output=True, text=True, timeout=600, check=False,
    )
    lines = [line for line in res.stdout.splitlines() if line.startswith("RESULT")]
    assert res.returncode == 0 and lines, res.stdout[-2000:] + res.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT"):])


@pytest.fixture(scope="module")
def old_addon(tmp_path_factory):
    target = tmp_path_factory.mktemp("kam_base")
    archive = subprocess.run(
        ["git", "-C", ROOT, "archive", BASE_COMMIT, "kam_management"],
        capture_output=True, check=False,
    )
    if archive.returncode != 0:
        pytest.skip(f"commit {BASE_COMMIT} is not in this repository: {archive.stderr[-200:]!r}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return str(target)


@pytest.fixture(scope="module")
def db():
    name = create_db("kam_identity_upgrade")
    try:
        yield name
    finally:
        drop_db(name)


def test_upgrade_keeps_the_key_accounts(db, old_addon):
    # Install the addon as it was, make key accounts with its code.
    res = subprocess.run(
        _with_addons(odoo_command(db, "-i", "kam_management", "--stop-after-init"), old_addon),
        env=dict(os.environ, TZ="UTC"), capture_output=True, text=True, timeout=1200, check=False,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    ids = _shell(db, SETUP, old_addon)
    assert ids["lead_status"] == "key"
    assert psql(db, f"SELECT kam_status FROM res_partner WHERE id = {ids['local']}") == [("key",)]

    # Upgrade with the current code.
    run_odoo(db, "-u", "kam_management", "--stop-after-init")

    partner_ids = ", ".join(str(ids[name]) for name in ("local", "shared", "former", "contact"))
    rows = psql(db, f"""
        SELECT partner_id, company_id, kam_status, kam_status_reason, kam_key_since::text,
               kam_user_id, kam_level, kam_level_team_id, kam_is_vip, kam_vip_review_date::text
          FROM kam_account WHERE partner_id IN ({partner_ids}) ORDER BY partner_id, company_id
    """)
    by_partner = {}
    for row in rows:
        by_partner.setdefault(row[0], []).append(row[1:])
    # The partner's company.
    assert by_partner[ids["local"]] == [(
        ids["main"], "key", "Largest client", "2024-03-01", ids["kam"], "team", ids["team"],
        True, "2030-01-31",
    )]
    # A shared partner: the companies of its KAM records (here its metrics in B).
    assert [row[:2] for row in by_partner[ids["shared"]]] == [(ids["company_b"], "key")]
    assert by_partner[ids["shared"]][0][4] == ids["kam"]
    # A shared partner without KAM records: the main company.
    assert [row[:3] for row in by_partner[ids["former"]]] == [(ids["main"], "former", "Left us")]
    # Contacts held a copy: no row of their own.
    assert ids["contact"] not in by_partner
    # The account team and the types came along.
    local_row = f"(SELECT id FROM kam_account WHERE partner_id = {ids['local']})"
    assert psql(db, f"SELECT user_id FROM kam_account_team_user_rel WHERE account_id = {local_row}") == [
        (ids["mate"],)
    ]
    assert psql(db, f"SELECT type_id FROM kam_account_account_type_rel WHERE account_id = {local_row}") == [
        (ids["type"],)
    ]
    # The former columns are gone: one truth per company.
    assert psql(db, "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_name = 'res_partner' AND column_name = 'kam_status'") == [(0,)]

    # Read through the ORM of the new code, company by company.
    seen = _shell(db, CHECK, extra_code=f"IDS = {json.dumps(json.dumps(ids))}\n")
    assert seen["local@main"] == ["key", ids["kam"]]
    assert seen["contact@main"] == ["key", ids["kam"]]
    assert seen["shared@company_b"] == ["key", ids["kam"]]
    assert seen["shared@main"] == ["none", False]
    assert seen["former@main"] == ["former", False]
    assert seen["lead"] == ["key", ids["kam"]]
    # The client-base block: the chosen one kept, the one the orders earned
    # shown as before while no company's metrics earn another.
    assert seen["blocks"] == {"former": "dead", "plain": "regular", "local": False}
    assert psql(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'res_partner'"
                    " AND column_name IN ('kam_lifecycle_block', 'kam_chosen_block')") == [("kam_chosen_block",)]
    # The daily cron runs the identification service.
    assert seen["cron"] == ["kam.identification", "model._cron_recompute()"]
    # The shares, ranks and cumulative shares are derived when read: their
    # former columns are dropped, the rows keep their own figures.
    assert psql(db, "SELECT column_name FROM information_schema.columns WHERE table_name = 'kam_partner_metric'"
                    " AND column_name IN ('share', 'margin_share', 'revenue_share', 'pareto_rank',"
                    " 'cumulative_share', 'basis_amount') ORDER BY 1") == [("basis_amount",)]
    assert psql(db, f"SELECT count(*) FROM kam_partner_metric WHERE partner_id = {ids['shared']}") == [(1,)]
