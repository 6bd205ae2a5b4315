# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import base64
import datetime
import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger

from .access_matrix import (
    COLUMNS,
    COMPUTED_FIELDS,
    DERIVED_FIELDS,
    FIELDS,
    MODELS,
    PERSON_FIELDS,
    TRANSIENT_MODELS,
)
from .common import PASSWORDS, TrustFixtures

# A harmless change per model, for the W cells.
WRITE_VALUES = {
    "kam.account": {"kam_status_reason": "Reviewed"},
    "kam.account.type": {"name": "Renamed Type"},
    "kam.dmu.role": {"name": "Renamed Role"},
    "kam.dmu.member": {"contact_hours": "Mornings only"},
    "kam.person.profile": {"hobbies": "Chess"},
    "kam.personal.date": {"name": "Renamed occasion"},
    "kam.lead.dmu": {"notes": "Prefers calls"},
    "kam.dossier": {"ownership_details": "Family holding"},
    "kam.dossier.check": {"name": "Renamed check"},
    "kam.competitor.presence": {"supplies": "Nuts"},
    "kam.partner.metric": {"basis_amount": 99.0},
    "kam.alert": {"date_raised": "2001-01-01"},
    "kam.account.health": {"ending_notes": "Watch the margins"},
    "kam.account.plan": {"name": "Renamed plan"},
    "kam.account.plan.objective": {"name": "Grow more"},
    "kam.account.plan.budget": {"name": "More gifts"},
    "kam.account.plan.review": {"interim_results": "Better"},
    "kam.contact.log": {"summary": "Called back"},
    "kam.comm.plan.line": {"name": "Monthly call"},
    "kam.comm.occurrence": {"summary": "Moved"},
    "kam.comm.plan.template": {"name": "Renamed template"},
    "kam.comm.plan.template.line": {"name": "Renamed line"},
    "kam.portfolio.report": {"share": 1.0},
    "kam.portfolio.summary": {"key_count": 1},
    "kam.export.wizard": {"key_only": False},
    "kam.group.report": {"share": 1.0},
    "kam.white.space": {"value": 1.0},
    "kam.feedback": {"notes": "Happy with the delivery"},
    "kam.referral": {"notes": "Called them for us"},
    "kam.recommendation.letter": {"notes": "Asked by phone"},
}
# SQL views: nothing to create, the existing row stands for the deletion.
VIEWS = {"kam.portfolio.report", "kam.portfolio.summary", "kam.group.report", "kam.white.space"}
NEW_FIELD_VALUES = {
    "kam_status": "former",
    "kam_key_since": "2001-01-01",
    "kam_level": "department",
    "kam_is_vip": False,
    # Derived figures: what a KAM would like them to say.
    "completeness": 100.0,
    "last_update": "2000-01-01 00:00:00",
    "progress": 100.0,
    "last_rating": "5",
    "risk_score": 0,
    "cooldown_until": "2000-01-01",
    "kam_dmu_coverage": 100.0,
    "kam_partner_status": "none",
    "kam_reference_client": False,
    "kam_revivable": False,
    "trend": "up",
}


class AccessMatrixMixin(TrustFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        cls._setup_trust_growth()
        cls._setup_matrix_values()

    @classmethod
    def _setup_matrix_values(cls):
        """Non-empty values for every field cell, and KAM A's generated workbook."""
        today = datetime.date.today()
        cls.account.write({
            "kam_key_since": "2020-01-01", "kam_is_vip": True,
            "kam_vip_review_date": today + datetime.timedelta(days=90),
            "kam_type_ids": [Command.set(cls.env.ref("kam_management.kam_type_breadwinner").ids)],
        })
        cls.records["kam.dossier"].write({
            "company_size": "large", "ownership": "family", "history": "<p>Since 1990</p>",
        })
        cls.records["kam.account.plan.objective"].write({"actual": 50.0})
        cls.records["kam.account.health"].write({"decision": "continue", "decision_date": today})
        cls.records["kam.contact.log"].write({"outcome": "negative"})
        cls.account.write({"kam_reference_client": True, "kam_revivable": True})
        wizard = cls.env["kam.export.wizard"].with_user(cls.users["kam_own"]).create(
            cls._export_vals()
        )
        wizard.action_export()
        cls.records["kam.export.wizard"] = wizard.with_env(cls.env)

    @classmethod
    def _export_vals(cls):
        return {"export_type": "dossier", "partner_ids": [Command.set(cls.account.ids)]}

    def _field_record(self, model, fname):
        if model == "res.partner":
            return self.person if fname in PERSON_FIELDS else self.account
        if model == "crm.lead":
            return self.lead
        return self.records[model]

    def _new_field_value(self, fname):
        special = {
            "kam_user_id": self.users["manager"].id,
            "kam_team_user_ids": [Command.link(self.users["kam_other"].id)],
            "commercial_partner_id": self.account2.id,
            "author_id": self.users["manager"].id,
            "decision_user_id": self.users["manager"].id,
            "kam_account_user_id": self.users["kam_other"].id,
            "file": base64.b64encode(b"PK\x03\x04 not the generated workbook"),
            "kam_vip_review_date": "2035-01-01",
            "kam_type_ids": [Command.set(self.env.ref("kam_management.kam_type_prospective").ids)],
        }
        return special.get(fname, NEW_FIELD_VALUES.get(fname))

    def _attempt_any(self, operation):
        """Like ``_attempt``, a clear refusal being an access or a user error."""
        try:
            return self._attempt(operation)
        except UserError:
            self.env.invalidate_all()
            return False


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessMatrixMixin, TransactionCase):
    """Every cell of ``access_matrix.py``, through the ORM as each user."""

    def test_matrix_lists_every_kam_model(self):
        models = {
            name for name, model in self.env.registry.items()
            if name.startswith("kam.") and not model._abstract and not model._transient
        }
        self.assertEqual(
            set(MODELS) - TRANSIENT_MODELS, models, "access_matrix.MODELS must list every kam.* model"
        )
        for model in TRANSIENT_MODELS:
            self.assertTrue(self.env[model]._transient, model)
        for model in MODELS:
            self.assertEqual(len(self.records[model]), 1, f"no fixture record of {model}")

    def test_model_cells(self):
        for model, (cells, _note) in MODELS.items():
            record = self.records[model]
            for (column, title), cell in zip(COLUMNS, cells, strict=True):
                user = self.users[column]
                for operation in "RWCU":
                    with self.subTest(model=model, user=column, operation=operation):
                        allowed = self._model_operation(model, record, user, operation)
                        self.assertEqual(
                            allowed, operation in cell,
                            f"{model}, {title}: {operation} should be "
                            f"{'allowed' if operation in cell else 'refused'}",
                        )

    def test_field_cells(self):
        for (model, fname), (cells, _note) in FIELDS.items():
            record = self._field_record(model, fname)
            expected = record.with_company(self.company_a).read([fname])[0][fname]
            self.assertTrue(expected, f"the fixture leaves {model}.{fname} empty")
            for (column, title), cell in zip(COLUMNS, cells, strict=True):
                user = self.users[column]
                with self.subTest(field=fname, user=column, operation="R"):
                    wanted = "R" if "R" in cell else "r" if "r" in cell else ""
                    self.assertEqual(
                        self._read_field(record, fname, user, expected), wanted,
                        f"{model}.{fname}, {title}: reading should give {wanted or 'an access error'}",
                    )
                if (model, fname) in COMPUTED_FIELDS:
                    self.assertNotIn("W", cell, f"{model}.{fname} is computed")
                    continue
                if (model, fname) in DERIVED_FIELDS:
                    # Written by the code that derives it, by no user: a refusal
                    # (access or user error) for everybody, the head of KAM included.
                    self.assertNotIn("W", cell, f"{model}.{fname} is derived")
                    with self.subTest(field=fname, user=column, operation="W"):
                        value = self._new_field_value(fname)
                        self.assertFalse(
                            self._attempt_any(lambda r=record, u=user, v=value, f=fname: (
                                r.with_user(u).write({f: v})
                            )),
                            f"{model}.{fname}, {title}: a derived figure must not be writable",
                        )
                    continue
                with self.subTest(field=fname, user=column, operation="W"):
                    value = self._new_field_value(fname)
                    allowed = self._attempt(lambda r=record, u=user, v=value, f=fname: (
                        r.with_user(u).write({f: v})
                    ))
                    self.assertEqual(
                        allowed, "W" in cell,
                        f"{model}.{fname}, {title}: writing should be "
                        f"{'allowed' if 'W' in cell else 'refused'}",
                    )

    def test_salesman_form_hides_personal_fields(self):
        """Fields a user may not read are not even described to them."""
        salesman_fields = self.env["res.partner"].with_user(self.users["salesman"]).fields_get()
        kam_fields = self.env["res.partner"].with_user(self.users["kam_own"]).fields_get()
        for fname in ("kam_dmu_membership_ids", "kam_share", "kam_margin", "kam_risk_score"):
            self.assertNotIn(fname, salesman_fields)
            self.assertIn(fname, kam_fields)
        for fname in ("kam_status", "kam_user_id", "kam_dependency_level"):
            self.assertIn(fname, salesman_fields)

    # ------------------------------------------------------------------

    def _model_operation(self, model, record, user, operation):
        Model = self.env[model]
        if model == "kam.export.wizard" and operation in "CU":
            return self._export_operation(user, operation)
        if operation == "R":
            return self._attempt(lambda: self._read_as(record, user))
        if operation == "W":
            return self._attempt(lambda: record.with_user(user).write(WRITE_VALUES[model]))
        if operation == "C":
            vals = {} if model in VIEWS else self._vals(model)
            return self._attempt(lambda: Model.with_user(user).create(vals))

        def unlink():
            victim = record if model in VIEWS else Model.create(self._vals(model))
            victim.with_user(user).unlink()

        return self._attempt(unlink)

    def _export_operation(self, user, operation):
        """C: generate one's own workbook of the account; U: delete KAM A's."""
        Wizard = self.env["kam.export.wizard"]
        if operation == "C":
            return self._attempt(
                lambda: Wizard.with_user(user).create(self._export_vals()).action_export()
            )

        def unlink():
            victim = Wizard.with_user(self.users["kam_own"]).create(self._export_vals())
            victim.with_user(user).unlink()

        return self._attempt(unlink)

    def _read_as(self, record, user):
        """Read the record and find it by search; an access error otherwise."""
        as_user = record.with_user(user)
        as_user.read(list(WRITE_VALUES[record._name]))
        found = as_user.search([("id", "=", record.id)])
        self.assertEqual(found, as_user, f"{user.name} reads {record} but cannot find it")

    def _read_field(self, record, fname, user, expected):
        """'R' (the real value), 'r' (an empty value) or '' (access error)."""
        try:
            value = record.with_user(user).read([fname])[0][fname]
        except AccessError:
            return ""
        if not value:
            return "r"
        return "R" if value == expected else f"unexpected value {value!r}"


@tagged("post_install", "-at_install")
class TestAccessMatrixRpc(AccessMatrixMixin, HttpCase):
    """A representative subset of the cells, over XML-RPC with real logins."""

    # (model or (model, field), column, operation)
    CELLS = (
        ("kam.dmu.member", "salesman", "R"),
        ("kam.dmu.member", "kam_own", "R"),
        ("kam.dmu.member", "kam_other", "R"),
        ("kam.dmu.member", "other_company", "R"),
        ("kam.dmu.member", "portal", "R"),
        ("kam.dossier", "kam_own", "W"),
        ("kam.dossier", "kam_other", "W"),
        ("kam.dossier", "kam_own", "U"),
        ("kam.account.plan", "kam_own", "R"),
        ("kam.account.plan", "other_company", "R"),
        ("kam.partner.metric", "kam_own", "R"),
        ("kam.partner.metric", "kam_own", "W"),
        ("kam.contact.log", "manager", "C"),
        ("kam.contact.log", "kam_other", "C"),
        ("kam.person.profile", "salesman", "R"),
        ("kam.person.profile", "kam_own", "R"),
        ("kam.person.profile", "kam_other", "R"),
        ("kam.person.profile", "other_company", "R"),
        ("kam.person.profile", "kam_own", "W"),
        ("kam.person.profile", "kam_other", "W"),
        ("kam.export.wizard", "kam_own", "R"),
        ("kam.export.wizard", "kam_other", "R"),
        ("kam.export.wizard", "manager", "R"),
        (("res.partner", "kam_share"), "salesman", "R"),
        (("res.partner", "kam_share"), "kam_own", "R"),
        (("res.partner", "kam_status"), "salesman", "R"),
        (("res.partner", "kam_status"), "kam_own", "W"),
        (("res.partner", "kam_user_id"), "kam_other", "W"),
        (("res.partner", "kam_user_id"), "manager", "W"),
        (("res.partner", "kam_team_user_ids"), "kam_other", "W"),
    )

    def test_cells_over_xmlrpc(self):
        columns = [key for key, _title in COLUMNS]
        db = self.env.cr.dbname
        for target, column, operation in self.CELLS:
            matrix = FIELDS if isinstance(target, tuple) else MODELS
            cell = matrix[target][0][columns.index(column)]
            allowed = operation in cell or (operation == "R" and "r" in cell)
            user = self.users[column]
            with self.subTest(target=target, user=column, operation=operation):
                call = self._rpc_call(target, operation)
                if allowed:
                    call(db, user.id, PASSWORDS[column])
                else:
                    with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
                        call(db, user.id, PASSWORDS[column])
                    self.assertEqual(
                        caught.exception.faultCode, 4,
                        f"{target}, {column}, {operation}: {caught.exception.faultString}",
                    )
                self.env.invalidate_all()

    def test_refused_write_changes_nothing(self):
        db = self.env.cr.dbname
        with mute_logger("odoo.http"), self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute(
                db, self.users["kam_other"].id, PASSWORDS["kam_other"], "res.partner", "write",
                [self.account.id], {"kam_user_id": self.users["kam_other"].id},
            )
        self.assertIn("KAM Manager", caught.exception.faultString)
        self.account.invalidate_recordset()
        self.assertEqual(self.account.kam_user_id, self.users["kam_own"])

    def _rpc_call(self, target, operation):
        execute = self.xmlrpc_object.execute
        if isinstance(target, tuple):
            model, fname = target
            record = self._field_record(model, fname)
            if operation == "R":
                return lambda db, uid, pw: execute(db, uid, pw, model, "read", [record.id], [fname])
            value = self._rpc_value(self._new_field_value(fname))
            return lambda db, uid, pw: execute(db, uid, pw, model, "write", [record.id], {fname: value})
        model, record = target, self.records[target]
        if operation == "R":
            fnames = list(WRITE_VALUES[model])
            return lambda db, uid, pw: execute(db, uid, pw, model, "read", [record.id], fnames)
        if operation == "W":
            return lambda db, uid, pw: execute(
                db, uid, pw, model, "write", [record.id], WRITE_VALUES[model]
            )
        if operation == "C":
            vals = self._rpc_vals(self._vals(model))
            return lambda db, uid, pw: execute(db, uid, pw, model, "create", vals)
        victim = self.env[model].create(self._vals(model))
        return lambda db, uid, pw: execute(db, uid, pw, model, "unlink", [victim.id])

    @classmethod
    def _rpc_vals(cls, vals):
        return {key: cls._rpc_value(value) for key, value in vals.items()}

    @staticmethod
    def _rpc_value(value):
        """Dates as strings and commands as plain lists, as an RPC client sends them."""
        if isinstance(value, list):
            return [[int(command[0]), *command[1:]] for command in value]
        return str(value) if hasattr(value, "isoformat") else value
