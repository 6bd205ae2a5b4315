# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Derived figures change only through the code that derives them.

The head of KAM judges an account, and its KAM, by figures the application
derives (dossier completeness and last update, plan progress and rating, risk,
DMU coverage, cool-down, the schedule of the communication plan, the KAM
mirrors on deals) and by who signed a review, a comment or a decision. No user
sets them by hand: not the KAM of the account, not another KAM, not a
salesperson; not by write, create, copy, import or a default in the context.
The code that derives them still does.
"""

import datetime
from contextlib import closing

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from ..rules import risk
from ..rules.account_plan import objective_progress, plan_progress
from ..rules.cadence import cooldown_until
from ..rules.dmu import dmu_coverage
from .common import TrustFixtures

ATTACKERS = ("kam_own", "kam_other", "salesman")
# The guarded models and the field every one of them must guard (the list of
# the model may be longer: the check below also finds stored computed fields).
GUARDED = {
    "kam.dossier": ("completeness", "last_update"),
    "kam.account.plan": ("progress", "budget_total", "last_review_date", "last_rating"),
    "kam.account.plan.objective": ("progress", "partner_id", "company_id"),
    "kam.account.plan.review": ("author_id", "manager_id", "comment_date", "partner_id", "company_id"),
    "kam.account.health": (
        "risk_score", "risk_level", "signal_data", "compliance_rate", "last_refresh",
        "signal_shrinking_amounts", "signal_interval_growth", "signal_payment_delay",
        "signal_no_positive_contact", "signal_negative_contacts", "signal_dropped_categories",
        "decision_user_id", "decision_date", "kam_user_id", "ending_flag_count", "ending_warning",
    ),
    "crm.lead": (
        "kam_dmu_coverage", "kam_dmu_missing_decision_maker", "kam_partner_status",
        "kam_account_user_id", "kam_dependency_level",
    ),
    "kam.contact.log": ("cooldown_until",),
    "kam.comm.plan.line": ("cycle_date", "next_due_date", "last_done_date", "state"),
}


@tagged("post_install", "-at_install")
class TestTrustDerivedFields(TrustFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_trust()
        env = cls.env
        cls.today = fields.Date.context_today(env["res.partner"])
        users = cls.users
        # A stale dossier: its KAM must not hide it.
        cls.dossier = cls.records["kam.dossier"]
        cls.dossier.write({"last_update": fields.Datetime.now() - datetime.timedelta(days=200)})
        # A review commented and a decision recorded by the head of KAM.
        cls.review = cls.records["kam.account.plan.review"]
        cls.review.with_user(users["manager"]).write({"manager_comment": "Tighten the terms."})
        cls.health = cls.records["kam.account.health"]
        cls.health.with_user(users["manager"]).write({"decision": "continue"})
        # A negative contact with its cool-down, a plan line already worked on.
        cls.log = cls.records["kam.contact.log"]
        cls.log.write({"outcome": "negative"})
        cls.neutral_log = env["kam.contact.log"].create(dict(cls._vals("kam.contact.log")))
        cls.plan_line.write({"last_done_date": cls.today - datetime.timedelta(days=5)})
        # A deal of the salesperson on the key account: theirs to write.
        cls.sales_lead = env["crm.lead"].create({
            "name": "Salesperson's Deal", "type": "opportunity", "partner_id": cls.account.id,
            "user_id": users["salesman"].id, "company_id": cls.company_a.id,
        })
        env.flush_all()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _targets(self):
        """(record, guarded field) of every guarded field of every guarded model."""
        records = {
            "kam.dossier": self.dossier,
            "kam.account.plan": self.plan,
            "kam.account.plan.objective": self.records["kam.account.plan.objective"],
            "kam.account.plan.review": self.review,
            "kam.account.health": self.health,
            "crm.lead": self.lead,
            "kam.contact.log": self.log,
            "kam.comm.plan.line": self.plan_line,
        }
        return [
            (records[model], fname)
            for model in GUARDED
            for fname in records[model]._kam_derived_fields
        ]

    def _forged(self, record, fname):
        """A value of ``fname`` that differs from the one ``record`` has."""
        field = record._fields[fname]
        current = record.sudo()[fname]
        if field.type == "many2one":
            candidates = {
                "res.users": self.users["kam_other"] | self.users["manager"],
                "res.partner": self.account2 | self.account,
                "res.company": self.company_b | self.company_a,
            }[field.comodel_name]
            return (candidates - current)[:1].id
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(self.env)]
            return next(value for value in values if value != current)
        if field.type == "boolean":
            return not current
        if field.type in ("float", "integer", "monetary"):
            return 77 if current != 77 else 33
        if field.type == "date":
            return (current or self.today) - datetime.timedelta(days=400)
        if field.type == "datetime":
            return fields.Datetime.now().replace(microsecond=0) - datetime.timedelta(days=1)
        if field.type == "json":
            return {"forged": 1}
        return "forged"

    def _load_cell(self, field, value):
        """The column name and cell of ``value`` in an import file."""
        if field.type == "many2one":
            return f"{field.name}/.id", str(value)
        if field.type == "many2many":
            return f"{field.name}/.id", ",".join(str(i) for i in value[0][2])
        if field.type == "boolean":
            return field.name, "1" if value else "0"
        if field.type == "json":
            return field.name, str(value).replace("'", '"')
        if isinstance(value, (datetime.date, datetime.datetime)):
            return field.name, fields.Datetime.to_string(value) if field.type == "datetime" \
                else fields.Date.to_string(value)
        return field.name, str(value)

    def _load_row(self, model, vals):
        header, row = [], []
        for name, value in vals.items():
            column, cell = self._load_cell(self.env[model]._fields[name], value)
            header.append(column)
            row.append(cell)
        return header, row

    def _create_vals(self, model):
        if model == "crm.lead":
            return {"name": "Forged Deal", "type": "opportunity", "partner_id": self.account.id}
        return self._vals(model)

    def _refused(self, operation):
        """Run ``operation`` in a rolled-back savepoint; the AccessError it raised (or None)."""
        with closing(self.env.cr.savepoint()):
            try:
                operation()
                self.env.flush_all()
            except AccessError as error:
                return error
        return None

    def _load_errors(self, model, user, header, rows):
        """Import as ``user`` in a rolled-back savepoint: (ids, error messages)."""
        with closing(self.env.cr.savepoint()):
            try:
                result = self.env[model].with_user(user).load(header, rows)
                self.env.flush_all()
            except AccessError as error:  # refused before any row is read
                return False, [str(error)]
        errors = [message["message"] for message in result["messages"] if message["type"] == "error"]
        return result["ids"], errors

    def _assert_unchanged(self, record, fname, before):
        record.invalidate_recordset()
        self.assertEqual(record.sudo()[fname], before, f"{record._name}.{fname} changed")

    # ------------------------------------------------------------------
    # The attacks
    # ------------------------------------------------------------------


    def _today_of(self, user):
        """Today for ``user``, in their time zone: the date the code stamps for
        them (it differs from the server's day around midnight)."""
        return fields.Date.context_today(self.env["res.partner"].with_user(user))

    def test_guarded_fields_cover_the_computed_ones(self):
        """Every stored figure the addon computes without an inverse is guarded,
        and no guarded field is copied."""
        for model, required in GUARDED.items():
            Model = self.env[model]
            guarded = set(Model._kam_derived_fields)
            self.assertLessEqual(set(required), guarded, model)
            for name, field in Model._fields.items():
                ours = field._module == "kam_management" and (
                    model != "crm.lead" or name.startswith("kam_")
                )
                if ours and field.store and field.compute and field.readonly and not field.inverse:
                    self.assertIn(name, guarded, f"{model}.{name} is computed but not guarded")
            for name in guarded:
                self.assertFalse(Model._fields[name].copy, f"{model}.{name} would be copied")

    def test_write_is_refused(self):
        for record, fname in self._targets():
            forged = self._forged(record, fname)
            before = record.sudo()[fname]
            label = record._fields[fname]._description_string(self.env)
            for key in ATTACKERS:
                with self.subTest(model=record._name, field=fname, user=key):
                    error = self._refused(
                        lambda r=record, k=key, f=fname, v=forged: r.with_user(self.users[k]).write({f: v})
                    )
                    self.assertIsNotNone(error, "the forged value was accepted")
                    if key == "kam_own":
                        self.assertIn(label, str(error))
                        self.assertIn("cannot be set by hand", str(error))
                    self._assert_unchanged(record, fname, before)

    def test_salesperson_cannot_set_the_kam_mirrors_of_their_own_deal(self):
        lead = self.sales_lead.with_user(self.users["salesman"])
        lead.write({"name": "Renamed by its salesperson"})  # the deal is theirs to write
        for fname in ("kam_partner_status", "kam_account_user_id", "kam_dependency_level"):
            with self.subTest(field=fname):
                before = self.sales_lead[fname]
                error = self._refused(
                    lambda f=fname: lead.write({f: self._forged(self.sales_lead, f)})
                )
                self.assertIsNotNone(error)
                self.assertIn(self.sales_lead._fields[fname]._description_string(self.env), str(error))
                self._assert_unchanged(self.sales_lead, fname, before)
        self.assertEqual(self.sales_lead.kam_partner_status, "key")
        self.assertEqual(self.sales_lead.kam_account_user_id, self.users["kam_own"])

    def test_create_is_refused(self):
        for record, fname in self._targets():
            model = record._name
            vals = dict(self._create_vals(model), **{fname: self._forged(record, fname)})
            count = self.env[model].with_context(active_test=False).search_count([])
            for key in ATTACKERS:
                with self.subTest(model=model, field=fname, user=key):
                    error = self._refused(
                        lambda m=model, k=key, v=vals: self.env[m].with_user(self.users[k]).create(v)
                    )
                    self.assertIsNotNone(error, "a record was created with the forged value")
                    if key == "kam_own":
                        self.assertIn("cannot be set by hand", str(error))
                    self.assertEqual(
                        self.env[model].with_context(active_test=False).search_count([]), count
                    )

    def test_the_legitimate_create_works(self):
        """The refusals above come from the guarded field: without it, the KAM creates."""
        for model in GUARDED:
            with self.subTest(model=model):
                error = self._refused(
                    lambda m=model: self.env[m].with_user(self.users["kam_own"]).create(
                        self._create_vals(m)
                    )
                )
                self.assertIsNone(error)

    def test_copy_is_refused(self):
        for record, fname in self._targets():
            forged = self._forged(record, fname)
            before = record.sudo()[fname]
            count = self.env[record._name].with_context(active_test=False).search_count([])
            for key in ATTACKERS:
                with self.subTest(model=record._name, field=fname, user=key):
                    error = self._refused(
                        lambda r=record, k=key, f=fname, v=forged: r.with_user(self.users[k]).copy({f: v})
                    )
                    self.assertIsNotNone(error, "a copy was made with the forged value")
                    if key == "kam_own":
                        self.assertIn("cannot be set by hand", str(error))
                    self._assert_unchanged(record, fname, before)
                    self.assertEqual(
                        self.env[record._name].with_context(active_test=False).search_count([]),
                        count,
                    )

    def test_a_plain_copy_does_not_carry_them(self):
        kam = self.users["kam_own"]
        review = self.review.with_user(kam).copy()
        self.assertEqual(review.author_id, kam, "the copy is written by who copies")
        self.assertFalse(review.manager_id or review.comment_date or review.manager_comment)
        line = self.plan_line.with_user(kam).copy()
        self.assertEqual(line.state, "planned")
        self.assertFalse(line.last_done_date)
        plan = self.plan.with_user(kam).copy({"date_from": self.plan.date_from})
        self.assertEqual((plan.progress, plan.last_rating), (0.0, False))

    def test_import_is_refused(self):
        for record, fname in self._targets():
            field = record._fields[fname]
            forged = self._forged(record, fname)
            before = record.sudo()[fname]
            label = field._description_string(self.env)
            update = self._load_row(record._name, {fname: forged})
            update = ([".id", *update[0]], [[str(record.id), *update[1]]])
            create = self._load_row(record._name, dict(self._create_vals(record._name), **{fname: forged}))
            count = self.env[record._name].with_context(active_test=False).search_count([])
            for key in ATTACKERS:
                user = self.users[key]
                with self.subTest(model=record._name, field=fname, user=key, path="update"):
                    ids, errors = self._load_errors(record._name, user, *update)
                    self.assertFalse(ids)
                    self.assertTrue(errors)
                    if key == "kam_own":
                        self.assertIn(label, " ".join(errors))
                    self._assert_unchanged(record, fname, before)
                with self.subTest(model=record._name, field=fname, user=key, path="create"):
                    ids, errors = self._load_errors(record._name, user, create[0], [create[1]])
                    self.assertFalse(ids)
                    self.assertTrue(errors)
                    if key == "kam_own":
                        self.assertIn(label, " ".join(errors))
                    self.assertEqual(
                        self.env[record._name].with_context(active_test=False).search_count([]),
                        count,
                    )

    def test_defaults_from_the_context_are_ignored(self):
        kam = self.users["kam_own"]
        manager = self.users["manager"]
        long_ago = datetime.datetime(2001, 1, 1)
        cases = [
            ("kam.account.plan.review", {"default_author_id": manager.id, "default_manager_id": manager.id},
             lambda r: (r.author_id, r.manager_id) == (kam, self.env["res.users"])),
            ("kam.dossier", {"default_last_update": fields.Datetime.to_string(long_ago)},
             lambda r: r.last_update.date() == fields.Date.today()),
            ("kam.account.health", {"default_decision_user_id": manager.id,
                                    "default_decision_date": "2001-01-01",
                                    "default_risk_level": "high"},
             lambda r: (r.decision_user_id, r.decision_date, r.risk_level)
             == (kam, self._today_of(kam), "low")),
            ("kam.comm.plan.line", {"default_state": "done", "default_last_done_date": "2001-01-01"},
             lambda r: (r.state, r.last_done_date) == ("planned", False)),
        ]
        for model, context, check in cases:
            with self.subTest(model=model):
                vals = self._create_vals(model)
                if model == "kam.account.health":
                    vals["decision"] = "continue"
                record = self.env[model].with_user(kam).with_context(**context).create(vals)
                self.assertTrue(check(record.sudo()), f"{model}: the context set a derived field")

    def test_unchanged_values_are_let_through(self):
        """A form sending back a derived value it did not change still saves."""
        kam = self.users["kam_own"]
        self.plan.with_user(kam).write({"progress": self.plan.progress, "strategy": "<p>Grow</p>"})
        self.assertIn("Grow", self.plan.strategy)
        self.lead.with_user(kam).write({"kam_partner_status": "key", "name": "Trust Deal II"})
        self.assertEqual(self.lead.name, "Trust Deal II")
        # The value must be every record's: one record that differs is a change.
        logs = self.log | self.neutral_log
        self.assertTrue(self.log.cooldown_until)
        self.assertFalse(self.neutral_log.cooldown_until)
        error = self._refused(
            lambda: logs.with_user(kam).write({"cooldown_until": self.log.cooldown_until})
        )
        self.assertIn("cannot be set by hand", str(error))
        self.neutral_log.invalidate_recordset()
        self.assertFalse(self.neutral_log.cooldown_until)

    # ------------------------------------------------------------------
    # Mirrors: readonly related and computed fields without an inverse
    # ------------------------------------------------------------------

    def _mirror_targets(self):
        """(record, field, forged value) of the mirrors of the account's identity
        and of derived figures on the records of the account (related fields:
        written, the ORM would drop the value silently, or store it)."""
        other, account2 = self.users["kam_other"], self.account2
        member = self.records["kam.dmu.member"]
        presence = self.records["kam.competitor.presence"]
        # Another dossier of the same KAM: the record rules would let the item move.
        other_dossier = self.env["kam.dossier"].create(self._vals("kam.dossier"))
        self.assertTrue(member.dossier_id and presence.dossier_id)
        return [
            (self.health, "kam_status", "former"),
            (self.dossier, "kam_user_id", other.id),
            (self.dossier, "kam_status", "none"),
            (self.dossier, "kam_team_user_ids", [(6, 0, other.ids)]),
            (self.dossier, "stale_days", 9999),
            (self.records["kam.account.plan.budget"], "partner_id", account2.id),
            (self.records["kam.account.plan.budget"], "company_id", self.company_b.id),
            (self.records["kam.lead.dmu"], "company_id", self.company_b.id),
            (self.records["kam.lead.dmu"], "account_id", account2.id),
            (self.records["kam.personal.date"], "partner_id", self.person2.id),
            (member, "is_decision_maker", not member.is_decision_maker),
            (member, "dossier_id", other_dossier.id),
            (presence, "dossier_id", other_dossier.id),
            (self.profile, "dmu_member_ids", [(6, 0, [])]),
        ]

    def test_mirror_fields_cannot_be_written(self):
        """The account's KAM (who may write these records) changes none of the
        mirrors: refused with an error naming the field, nothing changed."""
        kam = self.users["kam_own"]
        for record, fname, forged in self._mirror_targets():
            label = record._fields[fname]._description_string(self.env)
            before = record.sudo()[fname]
            with self.subTest(model=record._name, field=fname):
                error = self._refused(lambda r=record, f=fname, v=forged: r.with_user(kam).write({f: v}))
                self.assertIsNotNone(error, "the write was accepted")
                self.assertIn(label, str(error))
                self.assertIn("cannot be written", str(error))
                self._assert_unchanged(record, fname, before)
        # The reported attack: the identity through the health record and the dossier.
        error = self._refused(lambda: self.dossier.with_user(kam).write({"kam_user_id": kam.id}))
        self.assertIsNone(error, "the KAM's own id is the current value: nothing to refuse")
        self.assertEqual(self.account.kam_status, "key")
        self.assertEqual(self.account.kam_user_id, kam)

    def test_mirror_fields_unchanged_values_and_the_legitimate_path(self):
        kam, manager = self.users["kam_own"], self.users["manager"]
        # A form sending back the current values saves.
        self.health.with_user(kam).write({"kam_status": "key", "flag_free_work": True})
        self.assertTrue(self.health.flag_free_work)
        self.dossier.with_user(kam).write({
            "kam_user_id": kam.id, "kam_team_user_ids": [(6, 0, self.account.kam_team_user_ids.ids)],
            "ownership_details": "Family holding",
        })
        self.assertEqual(self.dossier.ownership_details, "Family holding")
        # The head of KAM changes the identity on the account: the mirrors follow.
        self.account.with_user(manager).write({"kam_status": "former", "kam_user_id": self.users["kam_other"].id})
        self.health.invalidate_recordset()
        self.dossier.invalidate_recordset()
        self.assertEqual(self.health.kam_status, "former")
        self.assertEqual(self.dossier.kam_user_id, self.users["kam_other"])
        # Even the head of KAM writes the account, not its mirror.
        error = self._refused(lambda: self.health.with_user(manager).write({"kam_status": "key"}))
        self.assertIn("cannot be written", str(error))
        self.assertEqual(self.account.kam_status, "former")

    def test_partner_figures_cannot_be_written(self):
        """The figures the partner shows (share, margin, risk, compliance...)
        are computed: a write is refused, never silently dropped."""
        account = self.account
        figures = {
            "kam_share": 99.0, "kam_margin": 1e6, "kam_risk_score": 0,
            "kam_compliance_rate": 100.0, "kam_cooldown_until": "2020-01-01",
        }
        for key in ("kam_own", "salesman", "manager"):
            user = self.users[key]
            for fname, forged in figures.items():
                with self.subTest(user=key, field=fname):
                    before = account.sudo()[fname]
                    error = self._refused(
                        lambda u=user, f=fname, v=forged: account.with_user(u).write({f: v})
                    )
                    self.assertIsNotNone(error, "the write was accepted")
                    if key != "salesman":  # the salesman does not even see these fields
                        self.assertIn("cannot be written", str(error))
                    account.invalidate_recordset()
                    self.assertEqual(account.sudo()[fname], before)
        # A form sending back the current value, and ordinary fields, still save.
        kam = self.users["kam_own"]
        account.with_user(kam).write({
            "kam_share": account.with_user(kam).kam_share, "phone": "+39 02 1234567",
        })
        self.assertEqual(account.phone, "+39 02 1234567")

    def test_every_writable_model_guards_its_mirrors(self):
        """No kam.* model a user may write keeps a readonly computed field
        without inverse out of the guard (a write would be silently dropped)."""
        Access = self.env["ir.model.access"]
        for model_name, model_class in self.env.registry.items():
            if not model_name.startswith("kam.") or model_class._abstract or model_class._transient:
                continue
            Model = self.env[model_name]
            writable = any(
                Access.with_user(self.users[key]).check(model_name, "write", raise_exception=False)
                for key in ("kam_own", "manager")
            )
            computed = [
                fname for fname, field in Model._fields.items()
                if field.compute and field.readonly and not field.inverse and fname != "display_name"
            ]
            if not writable or not computed:
                continue
            with self.subTest(model=model_name):
                self.assertTrue(hasattr(Model, "_kam_mirror_fields"), f"{model_name} has no guard")
                guarded = set(Model._kam_derived_fields) | set(Model._kam_mirror_fields())
                self.assertLessEqual(set(computed), guarded)

    # ------------------------------------------------------------------
    # The deriving code still derives
    # ------------------------------------------------------------------

    def test_objective_actual_moves_the_plan_progress(self):
        objective = self.records["kam.account.plan.objective"].with_user(self.users["kam_own"])
        objective.write({"actual": 40.0})
        self.assertEqual(objective.progress, objective_progress(objective.target, 40.0))
        self.assertEqual(self.plan.progress, plan_progress(self.plan.objective_ids.mapped("progress")))
        self.assertGreater(self.plan.progress, 0.0)

    def test_a_review_sets_the_last_rating_and_its_author(self):
        kam = self.users["kam_own"]
        review = self.env["kam.account.plan.review"].with_user(kam).create({
            "plan_id": self.plan.id, "date": self.today + datetime.timedelta(days=1),
            "interim_results": "Two new lines listed.", "rating": "5",
        })
        self.assertEqual(review.author_id, kam)
        self.assertEqual(self.plan.last_rating, "5")
        self.assertEqual(self.plan.last_review_date, self.today + datetime.timedelta(days=1))
        self.plan.invalidate_recordset()
        review.with_user(kam).write({"rating": "2"})
        self.assertEqual(self.plan.last_rating, "2")
        self.assertEqual(review.author_id, kam, "editing the review keeps its author")

    def test_the_head_comment_signs_itself(self):
        manager, kam = self.users["manager"], self.users["kam_own"]
        review = self.env["kam.account.plan.review"].with_user(kam).create({
            "plan_id": self.plan.id, "interim_results": "Slow quarter.",
        })
        self.assertFalse(review.manager_id)
        error = self._refused(lambda: review.with_user(kam).write({"manager_comment": "Fine by me."}))
        self.assertIn("Only the head of KAM", str(error))
        error = self._refused(lambda: review.with_user(manager).write({
            "manager_comment": "Call the CFO.", "manager_id": kam.id,
        }))
        self.assertIn("cannot be set by hand", str(error), "even the head cannot sign for another")
        review.with_user(manager).write({"manager_comment": "Call the CFO."})
        self.assertEqual((review.manager_id, review.comment_date), (manager, self._today_of(manager)))
        review.with_user(manager).write({"manager_comment": False})
        self.assertFalse(review.manager_id or review.comment_date, "no comment, no signature")

    def test_recording_a_decision_stamps_who_and_when(self):
        kam, manager = self.users["kam_own"], self.users["manager"]
        health = self.health.with_context(tracking_disable=False)
        self.env.cr.precommit.clear()  # tracking starts from this test's writes
        self.assertEqual(health.decision_user_id, manager)
        health.with_user(kam).write({"decision": "change_conditions"})
        self.assertEqual((health.decision_user_id, health.decision_date), (kam, self._today_of(kam)))
        health.with_user(manager).write({"decision": "change_conditions", "decision_notes": "Agreed."})
        self.assertEqual(health.decision_user_id, kam, "repeating the decision does not re-sign it")
        # Sending the current signature back with a new decision does not keep it.
        health.with_user(manager).write({"decision": "terminate", "decision_user_id": kam.id})
        self.assertEqual(health.decision_user_id, manager)
        health.with_user(manager).write({"decision": False})
        self.assertFalse(health.decision_user_id or health.decision_date)
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        tracked = health.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("decision_user_id", tracked)

    def test_a_negative_contact_sets_the_cool_down(self):
        kam = self.users["kam_own"]
        day = self.today - datetime.timedelta(days=2)
        log = self.env["kam.contact.log"].with_user(kam).create(dict(
            self._vals("kam.contact.log"), date=day, outcome="negative",
        ))
        self.assertEqual(log.cooldown_until, cooldown_until(day, self.company_a.kam_cooldown_days))
        self.assertTrue(log.cooldown_until)
        log.with_user(kam).write({"outcome": "positive"})
        self.assertFalse(log.cooldown_until)

    def test_dossier_upkeep_and_review_refresh_the_last_update(self):
        kam, other = self.users["kam_own"], self.users["kam_other"]
        dossier = self.dossier
        self.assertTrue(dossier.is_stale)
        stale_since = dossier.last_update
        self.assertIsNotNone(self._refused(lambda: dossier.with_user(other).action_mark_reviewed()))
        dossier.invalidate_recordset()
        self.assertEqual(dossier.last_update, stale_since)
        dossier.with_user(kam).action_mark_reviewed()
        dossier.invalidate_recordset()
        self.assertFalse(dossier.is_stale)
        dossier.sudo().write({"last_update": stale_since})
        dossier.with_user(kam).write({"needs": "<p>Faster deliveries.</p>"})
        dossier.invalidate_recordset()
        self.assertGreater(dossier.last_update, stale_since)
        self.assertFalse(dossier.is_stale)

    def test_deal_dmu_moves_the_coverage(self):
        lead = self.lead
        required = (lead.company_id or self.env.company).kam_required_dmu_role_ids
        other_role = (required - self.role)[:1]
        self.assertTrue(other_role, "the company requires more than the decision maker")
        self.env["kam.lead.dmu"].with_user(self.users["kam_own"]).create({
            "lead_id": lead.id, "contact_id": self.person2.id, "role_id": other_role.id,
        })
        lead.invalidate_recordset()
        present = lead.kam_dmu_line_ids.role_id
        self.assertEqual(lead.kam_dmu_coverage, dmu_coverage(required.ids, present.ids))
        self.assertFalse(lead.kam_dmu_missing_decision_maker)

    def test_the_kam_mirrors_follow_the_account(self):
        self.account.with_user(self.users["manager"]).write({"kam_user_id": self.users["kam_other"].id})
        self.lead.invalidate_recordset()
        self.assertEqual(self.lead.kam_account_user_id, self.users["kam_other"])
        self.assertEqual(self.health.kam_user_id, self.users["kam_other"])

    def test_snooze_and_skip_move_the_schedule(self):
        kam, other = self.users["kam_own"], self.users["kam_other"]
        line = self.plan_line
        new_date = self.today + datetime.timedelta(days=3)
        wizard_vals = {"line_id": line.id, "mode": "snooze", "new_date": new_date, "reason": "Away"}
        before = line.next_due_date
        error = self._refused(
            lambda: self.env["kam.plan.line.skip.wizard"].with_user(other).create(wizard_vals).action_confirm()
        )
        self.assertIsNotNone(error, "another KAM moved the schedule")
        line.invalidate_recordset()
        self.assertEqual(line.next_due_date, before)
        self.env["kam.plan.line.skip.wizard"].with_user(kam).create(wizard_vals).action_confirm()
        self.assertEqual(line.next_due_date, new_date)
        cycle = line.cycle_date
        self.env["kam.plan.line.skip.wizard"].with_user(kam).create(
            {"line_id": line.id, "mode": "skip", "reason": "Holidays"}
        ).action_confirm()
        self.assertEqual(line.cycle_date, line._kam_following(cycle))
        self.assertEqual(line.state, "planned")

    def test_a_contact_fulfils_the_plan_line(self):
        kam = self.users["kam_own"]
        line = self.plan_line
        self.env["kam.contact.log"].with_user(kam).create(dict(
            self._vals("kam.contact.log"), date=self.today, outcome="positive",
            plan_line_id=line.id,
        ))
        self.assertEqual(line.last_done_date, self.today)

    def test_the_refresh_recomputes_the_risk(self):
        health = self.health
        health.sudo().write({"risk_score": 99, "last_refresh": False})
        health.with_user(self.users["kam_own"]).action_refresh()
        health.invalidate_recordset()
        self.assertTrue(health.last_refresh)
        self.assertNotEqual(health.risk_score, 99)
        self.assertEqual(health.risk_score, risk.risk_score(health.signal_data or {}))
        self.assertEqual(health.risk_level, risk.risk_level(health.risk_score))
