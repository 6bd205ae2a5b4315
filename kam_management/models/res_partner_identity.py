# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from collections import namedtuple

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .kam_account import KAM_ACCOUNT_FIELDS as KAM_IDENTITY_FIELDS
from .kam_selections import KAM_LEVELS, KAM_STATUS

KAM_USER_GROUP = "kam_management.group_kam_user"
KAM_MANAGER_GROUP = "kam_management.group_kam_manager"
# The key-account identity: the record rules give an account's KAM data to its
# KAM and team, so only the head of KAM changes it (the account's KAM may
# staff its team). Contacts carry a synced copy; a partner that becomes its own
# commercial entity starts blank. See ``_kam_check_identity_write``. The same
# fields as the ``kam.account`` row (KAM_IDENTITY_FIELDS, imported above).
# What ``_kam_identity_state`` records of a partner before a change: whether it
# is its own commercial entity, that entity, its parent, its identity in the
# current company, the company and active flag of a key account (part of what
# only a manager changes), and whether it is a key account in another company.
KamIdentityState = namedtuple(
    "KamIdentityState", "is_account entity_id parent_id identity company_id active elsewhere"
)
# The identity of a partner nobody made a key account (see ``_kam_identity``).
KAM_BLANK_IDENTITY = {
    "kam_status": "none", "kam_status_reason": False, "kam_key_since": False,
    "kam_user_id": False, "kam_team_user_ids": frozenset(), "kam_level": "company",
    "kam_level_team_id": False, "kam_level_department": False, "kam_type_ids": frozenset(),
    "kam_is_vip": False, "kam_vip_review_date": False,
}



def _kam_identity_search(fname):
    """The ``search`` of the identity field ``fname`` of res.partner (current company)."""

    def search(partners, operator, value):
        return partners._search_kam_identity(fname, operator, value)

    return search


class ResPartner(models.Model):
    """The key-account identity of a client in the current company, and who may change it.

    The identity fields (status, KAM, team, level, types, VIP) are not stored
    on the partner: they read and write the client's ``kam.account`` row in
    the current company (created on the first write of a non-blank identity),
    are searchable and groupable through ``_field_to_sql``, and contacts show
    their commercial entity's. Only a KAM manager changes them (the account's
    KAM may staff its team): the trust guards of create, write and unlink
    below refuse the rest with a clear error and change nothing."""

    _inherit = "res.partner"

    # Identification (SPEC §1): the identity of the client in the current
    # company, read from and written to its ``kam.account`` row (created on the
    # first write of a non-blank identity). Contacts show their commercial
    # entity's. Searchable and groupable (``_field_to_sql``) for the current company.
    kam_account_ids = fields.One2many(
        "kam.account", "partner_id", string="Key-Account Identities", copy=False,
        groups=KAM_USER_GROUP,
    )
    kam_status = fields.Selection(
        KAM_STATUS, string="Key-Account Status", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_status"),
    )
    kam_status_reason = fields.Char(
        string="Status Reason", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_status_reason"),
    )
    kam_key_since = fields.Date(
        string="Key Account Since", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_key_since"),
    )
    kam_user_id = fields.Many2one(
        "res.users", string="Key Account Manager", copy=False,
        domain="[('share', '=', False)]",
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_user_id"),
    )
    kam_team_user_ids = fields.Many2many(
        "res.users", string="Account Team", copy=False,
        domain="[('share', '=', False)]",
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_team_user_ids"),
    )
    kam_level = fields.Selection(
        KAM_LEVELS,
        string="Key For",
        copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_level"),
        help="The level at which the client is key: the whole company, one sales "
        "team, or one department.",
    )
    kam_level_team_id = fields.Many2one(
        "crm.team", string="Key for Sales Team", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_level_team_id"),
    )
    kam_level_department = fields.Char(
        string="Key for Department", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_level_department"),
    )
    kam_type_ids = fields.Many2many(
        "kam.account.type", string="Key-Account Types", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_type_ids"),
    )
    kam_is_vip = fields.Boolean(
        string="VIP", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_is_vip"),
    )
    kam_vip_review_date = fields.Date(
        string="VIP Review Date", copy=False,
        compute="_compute_kam_identity", inverse="_inverse_kam_identity",
        search=_kam_identity_search("kam_vip_review_date"),
    )
    kam_identity_editable = fields.Boolean(
        compute="_compute_kam_identity_editable",
        help="Technical: the current user may change the key-account identity (KAM Manager).",
    )
    kam_is_owned = fields.Boolean(
        string="On My Account Team",
        compute="_compute_kam_is_owned",
        help="Technical: the current user works on the key-account data of this account (its "
        "KAM, a member of its account team, or a KAM Manager). The others see neither its "
        "figures nor its dossier, DMU and plans: the form hides them or says they are restricted.",
    )

    # ------------------------------------------------------------------
    # Computes, inverse and search of the identity (kam.account rows)
    # ------------------------------------------------------------------

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "commercial_partner_id.company_id")
    def _compute_kam_identity(self):
        """The identity of the commercial entity in its company (a shared
        entity: in the current company), one query."""
        pairs = {partner: partner._kam_identity_key() for partner in self}
        accounts = self.env["kam.account"]._kam_find(pairs.values())
        for partner in self:
            account = accounts.get(pairs[partner])
            for fname in KAM_IDENTITY_FIELDS:
                if account:
                    value = account[fname]
                    if isinstance(value, models.BaseModel):
                        value = value.with_env(self.env)
                else:
                    value = KAM_BLANK_IDENTITY[fname]
                    if isinstance(value, frozenset):
                        value = False
                partner[fname] = value

    def _kam_identity_key(self):
        """(commercial entity id, company id) of the ``kam.account`` row this
        partner shows: the entity's company, else the current company."""
        self.ensure_one()
        entity = self._origin.commercial_partner_id.sudo()
        return entity.id, entity.company_id.id or self.env.company.id

    def _inverse_kam_identity(self):
        """Write the identity to the row of the commercial entity in its company
        (a shared entity: the current company's), created when the identity
        differs from the blank one. The trust checks of ``write`` compare the
        identities before and after."""
        Account = self.env["kam.account"].sudo()
        # Read every written identity before a row is written: writing a row
        # invalidates the partners' identity fields.
        todo = []
        for partner in self:
            entity = partner.commercial_partner_id
            if not entity.id:
                continue
            values = {}
            for fname in KAM_IDENTITY_FIELDS:
                value = partner[fname]
                field = self._fields[fname]
                if field.type == "many2many":
                    value = [Command.set(value.ids)]
                elif field.type == "many2one":
                    value = value.id
                values[fname] = value if value or field.type in ("many2many", "boolean") else (
                    KAM_BLANK_IDENTITY[fname]
                )
            if entity != partner:
                # A contact shows its commercial entity's identity: only a KAM
                # Manager's write of it is accepted, and dropped (the identity is
                # decided on the account).
                if not self._kam_may_manage_identity() and partner._kam_identity() != entity._kam_identity():
                    raise AccessError(self.env._(
                        "The key-account fields of %(contact)s follow its company %(account)s: "
                        "only a KAM Manager changes them, on the company. Ask a KAM Manager.",
                        contact=partner.name,
                        account=entity.name,
                    ))
                continue
            todo.append((partner._kam_identity_key(), values, partner._kam_identity() != KAM_BLANK_IDENTITY))
        # One read of the rows for all the partners; a row is created only for
        # a partner that carries a non-blank identity (a blank write on a
        # partner without a row leaves no empty row behind).
        accounts = Account._kam_find([key for key, _values, _set in todo])
        to_create = []
        for key, values, not_blank in todo:
            account = accounts.get(key)
            if account:
                account.write(values)
            elif not_blank:
                to_create.append(dict(values, partner_id=key[0], company_id=key[1]))
        if to_create:
            Account.create(to_create)
        # Contacts show their account's identity: every cached copy is stale.
        self.env["res.partner"].invalidate_model(list(KAM_IDENTITY_FIELDS))

    def _kam_identity_rows_query(self, condition):
        """Query of the ``kam.account`` rows shown on their partners (the
        partner's company, else the current company) that match ``condition``."""
        Account = self.env["kam.account"].sudo().with_context(active_test=False)
        query = Account._search(condition)
        # The row shown on a partner: the one of the partner's own company; a
        # shared partner (no company) shows the current company's row.
        query.add_where(SQL(
            "%s = COALESCE((SELECT e.company_id FROM res_partner e WHERE e.id = %s), %s)",
            SQL.identifier(query.table, "company_id"),
            SQL.identifier(query.table, "partner_id"),
            self.env.company.id,
        ))
        return query.subselect(SQL.identifier(query.table, "partner_id"))

    def _search_kam_identity(self, fname, operator, value):
        """Partners whose commercial entity's identity (see ``_kam_identity_key``)
        matches; a partner without a row has the blank identity."""
        condition = [(fname, operator, value)]
        blank = self.env["kam.account"].sudo().new({
            fname: (
                [] if self._fields[fname].type == "many2many" else KAM_BLANK_IDENTITY[fname]
            ),
        })
        if blank.filtered_domain(condition):
            # Blank matches: everyone but the shown rows that do not match.
            return [("commercial_partner_id", "not in", self._kam_identity_rows_query(["!", *condition]))]
        return [("commercial_partner_id", "in", self._kam_identity_rows_query(condition))]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The scalar identity fields read the shown row in SQL, so that
        partners can be grouped and ordered by KAM, status, VIP..."""
        field = self._fields.get(fname)
        if (
            field is None
            or fname not in KAM_IDENTITY_FIELDS
            or field.type == "many2many"
            or query is None
        ):
            return super()._field_to_sql(alias, fname, query, flush)
        # partner -> its commercial entity -> the entity's kam.account row in
        # the entity's company (a shared entity: the current company). LEFT
        # JOINs: a partner without a row still counts, with the blank values
        # of KAM_BLANK_IDENTITY (the COALESCEs below).
        entity_alias = query.make_alias(alias, "kam_entity")
        query.add_join("LEFT JOIN", entity_alias, "res_partner", SQL(
            "%s = %s",
            SQL.identifier(entity_alias, "id"),
            SQL.identifier(alias, "commercial_partner_id"),
        ))
        account_alias = query.make_alias(alias, "kam_account")
        query.add_join("LEFT JOIN", account_alias, "kam_account", SQL(
            "%s = %s AND %s = COALESCE(%s, %s)",
            SQL.identifier(account_alias, "partner_id"),
            SQL.identifier(alias, "commercial_partner_id"),
            SQL.identifier(account_alias, "company_id"),
            SQL.identifier(entity_alias, "company_id"),
            self.env.company.id,
        ))
        column = SQL.identifier(account_alias, fname)
        if fname == "kam_status":
            return SQL("COALESCE(%s, 'none')", column)
        if fname == "kam_is_vip":
            return SQL("COALESCE(%s, FALSE)", column)
        if fname == "kam_level":
            return SQL("COALESCE(%s, 'company')", column)
        return column

    @api.depends_context("uid")
    def _compute_kam_identity_editable(self):
        self.kam_identity_editable = self._kam_may_manage_identity()

    @api.depends_context("uid", "company")
    @api.depends("commercial_partner_id")
    def _compute_kam_is_owned(self):
        accounts = self._origin.commercial_partner_id
        owned = self.env["kam.account.owned.mixin"]._kam_owned_accounts(accounts)
        # A partner being created has no figures to restrict yet.
        kam = self.env.su or self.env.user.has_group(KAM_USER_GROUP)
        for partner in self:
            account = partner._origin.commercial_partner_id
            partner.kam_is_owned = account in owned if account else kam

    def _kam_check_owned(self, action):
        """Refuse ``action`` (a phrase: "open its dossier") on accounts the user does not work on.

        The record rules would refuse it anyway, but later and without the
        reason (or, for the records created on first use, with a duplicate).
        """
        accounts = self.commercial_partner_id
        foreign = accounts - self.env["kam.account.owned.mixin"]._kam_owned_accounts(accounts)
        if not foreign:
            return
        kams = foreign.sudo().kam_user_id
        raise AccessError(self.env._(
            "%(accounts)s: only the account's KAM (%(kams)s), its account team and the KAM "
            "Managers can %(action)s. Ask one of them to add you to the account team.",
            accounts=", ".join(foreign.mapped("display_name")),
            kams=", ".join(kams.mapped("name")) or self.env._("none yet"),
            action=action,
        ))

    # ------------------------------------------------------------------
    # ORM: the trust guards of create, write and unlink
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._kam_default_vip_review_dates(vals_list)
        partners = super().create(vals_list)
        if not self.env.su:
            partners._kam_check_commercial_partner()
            # A new partner had no identity: what it carries now is the copy
            # synced from its account, or a decision only a KAM Manager takes
            # (values, defaults of the context, copy, import), for the key
            # accounts of their companies.
            before = {
                partner.id: KamIdentityState(
                    False, partner.commercial_partner_id.id, partner.parent_id.id,
                    KAM_BLANK_IDENTITY, partner.company_id.id, partner.active, False,
                )
                for partner in partners.sudo()
            }
            if self._kam_may_manage_identity():
                partners._kam_check_manager_write(before)
            else:
                partners._kam_check_identity_write(before)
        return partners

    def write(self, vals):
        """Compare the identities before and after the whole write, Odoo's
        commercial-field sync included (it runs as superuser), rather than
        reading ``vals``: a parent or is-company change moves identities too."""
        if not self:
            return super().write(vals)
        becoming_vip = self._kam_becoming_vip(vals)
        if becoming_vip:
            # Made VIP without a review date: the first review is due after the
            # company's interval (an account already VIP keeps its date).
            (self - becoming_vip).write(vals)
            return becoming_vip.write(dict(vals, kam_vip_review_date=self._kam_vip_next_review_date()))
        trusted = self._kam_may_manage_identity()
        # A KAM Manager changes the key accounts of their companies only.
        governed = trusted and not self.env.su and not vals.keys().isdisjoint(
            (*KAM_IDENTITY_FIELDS, "parent_id", "is_company", "company_id", "active")
        )
        reshaping = not vals.keys().isdisjoint(("parent_id", "is_company"))
        scope = self if trusted else self._kam_identity_scope()
        before = scope._kam_identity_state() if reshaping or governed or not trusted else {}
        result = super().write(vals)
        if reshaping:
            self._kam_blank_new_accounts(before, vals)
        if not self.env.su:
            self._kam_check_commercial_partner()
        if not trusted:
            scope._kam_check_identity_write(before)
        elif governed:
            self._kam_check_manager_write(before)
        return result

    def unlink(self):
        """Deleting a partner deletes, in SQL, the KAM records that point to it
        (DMU, dossier, plans, contact log, personal data): see ``_kam_check_unlink``."""
        if not self.env.su:
            self._kam_check_unlink()
        # Its contacts become partners of their own (the column is emptied in
        # SQL): they start blank, not with the copy of the deleted identity.
        orphans = self.sudo().with_context(active_test=False).search([
            ("parent_id", "in", self.ids), ("id", "not in", self.ids),
        ])._kam_with_identity()
        if orphans:
            orphans.write({"parent_id": False})
        return super().unlink()

    # ------------------------------------------------------------------
    # Trust helpers
    # ------------------------------------------------------------------

    @api.model
    def _kam_may_manage_identity(self):
        """The superuser and the KAM Managers; never a context key (RPC sets it)."""
        return self.env.su or self.env.user.has_group(KAM_MANAGER_GROUP)

    def _kam_identity_scope(self):
        """These partners and their descendants, whose commercial entity follows theirs."""
        return self.sudo().with_context(active_test=False).search([("id", "child_of", self.ids)])

    def _kam_identity(self):
        """The key-account identity of this partner as comparable values."""
        self.ensure_one()
        identity = {}
        for fname in KAM_IDENTITY_FIELDS:
            value = self[fname]
            if self._fields[fname].type == "many2many":
                value = frozenset(value.ids)
            elif self._fields[fname].type == "many2one":
                value = value.id
            identity[fname] = value or KAM_BLANK_IDENTITY[fname]
        return identity

    @api.model
    def _kam_identity_is_blank(self, identity):
        """Nobody made it a key account: no status beyond candidate (the
        recompute's), no KAM, no team, not VIP."""
        return (
            identity["kam_status"] in ("none", "candidate")
            and not identity["kam_user_id"]
            and not identity["kam_team_user_ids"]
            and not identity["kam_is_vip"]
        )

    def _kam_with_identity(self):
        """The partners of ``self`` whose own identity is not blank."""
        return self.filtered(lambda partner: not self._kam_identity_is_blank(partner._kam_identity()))

    def _kam_identity_state(self):
        """{id: ``KamIdentityState``}, read as superuser."""
        elsewhere = self._kam_keyed_elsewhere()
        return {
            partner.id: KamIdentityState(
                partner.commercial_partner_id == partner,
                partner.commercial_partner_id.id,
                partner.parent_id.id,
                partner._kam_identity(),
                partner.company_id.id,
                partner.active,
                partner.id in elsewhere,
            )
            for partner in self.sudo().with_context(active_test=False)
        }

    def _kam_keyed_elsewhere(self):
        """Ids of the partners of ``self`` whose identity is not blank in a company
        other than the current one (one query)."""
        if not self.ids:
            return set()
        self.env["kam.account"].flush_model()
        rows = self.env.execute_query(SQL(
            """
            SELECT a.partner_id
              FROM kam_account a
              JOIN res_partner p ON p.id = a.partner_id
             WHERE a.partner_id = ANY(%s) AND a.company_id != COALESCE(p.company_id, %s)
               AND (a.kam_status NOT IN ('none', 'candidate') OR a.kam_user_id IS NOT NULL
                    OR a.kam_is_vip
                    OR EXISTS (SELECT 1 FROM kam_account_team_user_rel r WHERE r.account_id = a.id))
            """,
            list(self.ids), self.env.company.id,
        ))
        return {partner_id for (partner_id,) in rows}

    def _kam_blank_new_accounts(self, before, vals):
        """A partner that became its own commercial entity (detached, or made a
        company) starts with a blank identity, whoever did it: what it carried
        was the copy synced from its former account, not a decision. Values
        given in the same write are kept (and checked for non-managers)."""
        blank = {fname: value for fname, value in KAM_BLANK_IDENTITY.items() if fname not in vals}
        if not blank:
            return
        new_accounts = self.sudo().with_context(active_test=False).filtered(lambda partner: (
            not before[partner.id].is_account
            and partner.commercial_partner_id == partner
            and any(partner._kam_identity()[fname] != value for fname, value in blank.items())
        ))
        if new_accounts:
            new_accounts.write({
                fname: [Command.clear()] if isinstance(value, frozenset) else value
                for fname, value in blank.items()
            })

    def _kam_check_commercial_partner(self):
        """The commercial entity is computed from the parent: written directly
        (RPC, import) it would re-parent a contact under the record rules."""
        for partner in self.sudo().with_context(active_test=False):
            parent = partner.parent_id
            expected = partner if partner.is_company or not parent else parent.commercial_partner_id
            if partner.commercial_partner_id != expected:
                raise AccessError(self.env._(
                    "The commercial entity of %(partner)s follows its parent company and cannot "
                    "be written: change its parent company instead.",
                    partner=partner.name,
                ))

    def _kam_check_identity_write(self, before):
        """Refuse what a user who is not a KAM Manager changed in key-account
        identities, comparing ``before`` (``_kam_identity_state``; new partners:
        blank) with the state now:

        - a commercial entity keeps its identity (the account's KAM may staff its
          team); one that just became a commercial entity stays blank;
        - an account with an identity stays its own commercial entity, under the
          same parent company, in the same company, and active;
        - a contact's identity only follows its account's (the sync);
        - a partner that KAM records point to (DMU, personal data, dossier...)
          changes account only when neither account has an identity.
        """
        user = self.env.user
        moved = self.browse()
        for partner in self.sudo().with_context(active_test=False):
            (
                was_account, was_entity_id, was_parent_id, was_identity, was_company_id, was_active,
                was_elsewhere,
            ) = before[partner.id]
            identity = partner._kam_identity()
            entity = partner.commercial_partner_id
            # A key account in any company: its structure is a manager's decision.
            keyed = was_account and (
                was_elsewhere or not self._kam_identity_is_blank(was_identity)
            )
            if keyed and (entity != partner or partner.parent_id.id != was_parent_id):
                raise AccessError(self._kam_identity_error(partner, demoted=True))
            if keyed and partner.company_id.id != was_company_id:
                raise AccessError(self.env._(
                    "%(account)s is a key account: its company decides who works on it, so only "
                    "a KAM Manager can change it (or make it shared by every company). Ask a KAM "
                    "Manager.",
                    account=partner.name,
                ))
            if keyed and was_active and not partner.active:
                raise AccessError(self.env._(
                    "%(account)s is a key account: archived, it would disappear from its KAM's "
                    "work. Only a KAM Manager can archive it (Demote to Former first, if it is "
                    "no longer key). Ask a KAM Manager.",
                    account=partner.name,
                ))
            if entity == partner:
                baseline = was_identity if was_account else KAM_BLANK_IDENTITY
                changed = {
                    fname for fname in KAM_IDENTITY_FIELDS if identity[fname] != baseline[fname]
                }
                if (
                    changed == {"kam_team_user_ids"}
                    and identity["kam_user_id"] == user.id
                    and user.has_group(KAM_USER_GROUP)
                ):
                    changed = set()
                if changed:
                    raise AccessError(self._kam_identity_error(
                        partner, team=changed == {"kam_team_user_ids"}
                    ))
            else:
                account_identity = entity._kam_identity()
                if any(
                    identity[fname] != was_identity[fname]
                    and identity[fname] != account_identity[fname]
                    for fname in KAM_IDENTITY_FIELDS
                ):
                    raise AccessError(self.env._(
                        "The key-account fields of %(contact)s follow its company %(account)s: "
                        "only a KAM Manager changes them, on the company. Ask a KAM Manager.",
                        contact=partner.name,
                        account=entity.name,
                    ))
            if entity.id != was_entity_id:
                moved |= partner
        for partner in moved._kam_partners_with_records():
            was_account, was_entity_id, _parent_id, was_identity, _company_id, _active, _elsewhere = (
                before[partner.id]
            )
            old_entity = self.browse(was_entity_id).sudo()
            old_identity = was_identity if was_account else old_entity._kam_identity()
            new_entity = partner.sudo().commercial_partner_id
            if not (
                self._kam_identity_is_blank(old_identity)
                and self._kam_identity_is_blank(new_entity._kam_identity())
            ):
                raise AccessError(self.env._(
                    "%(partner)s has key-account records (DMU, personal data, dossier, contact "
                    "log...): only a KAM Manager can move it to another company or make it a "
                    "company of its own. Ask a KAM Manager.",
                    partner=partner.name,
                ))

    def _kam_partners_with_records(self, skip=()):
        """The partners of ``self`` that KAM records point to (every stored link
        to a partner of the kam.* models but ``skip``), read as superuser."""
        found = self.browse()
        for Model, field in self._kam_record_links(skip):
            remaining = self - found
            if not remaining:
                break
            groups = Model._read_group([(field.name, "in", remaining.ids)], [field.name])
            for (partner,) in groups:
                found |= partner
        return found

    def _kam_record_company_ids(self):
        """The companies (ids; ``False``: a record of every company) of the KAM
        records that point to these partners, read as superuser. The models
        without a company (personal profiles) follow the DMU members."""
        company_ids = set()
        for Model, field in self._kam_record_links():
            if "company_id" in Model._fields:
                groups = Model._read_group([(field.name, "in", self.ids)], ["company_id"])
                company_ids.update(company.id for (company,) in groups)
        return company_ids

    @api.model
    def _kam_record_links(self, skip=()):
        """(model as superuser, field) of every stored link to a partner of the
        kam.* models but ``skip`` (wizards and SQL views aside)."""
        for model_name, model_class in self.env.registry.items():
            if (
                not model_name.startswith("kam.")
                or model_name in skip
                or model_class._abstract
                or model_class._transient
                or not model_class._auto
            ):
                continue
            Model = self.env[model_name].sudo().with_context(active_test=False)
            for field in Model._fields.values():
                if (
                    field.type in ("many2one", "many2many")
                    and field.comodel_name == "res.partner"
                    and field.store
                ):
                    yield Model, field

    def _kam_check_manager_write(self, before):
        """Refuse what a KAM Manager changed in key accounts beyond their companies.

        A key account (before or after the change) whose identity, company,
        parent, commercial entity or active flag changed must belong to the
        manager's companies, before and after; a company-less account is
        shared, so it is theirs only if every company that has KAM records on
        it is. A partner moved to another account takes its KAM records along:
        their companies must be the manager's too.
        """
        accounts = moved = self.browse()
        company_ids = set()
        for partner in self.sudo().with_context(active_test=False):
            was = before[partner.id]
            entity = partner.commercial_partner_id
            identity = partner._kam_identity()
            now = (identity, entity.id, partner.parent_id.id, partner.company_id.id, partner.active)
            if now == (was.identity, was.entity_id, was.parent_id, was.company_id, was.active):
                continue
            if (entity.id, partner.parent_id.id, partner.company_id.id, partner.active) == (
                was.entity_id, was.parent_id, was.company_id, was.active
            ):
                # The identity of the current company only: a company of the manager's.
                continue
            was_keyed = was.is_account and (
                was.elsewhere or not self._kam_identity_is_blank(was.identity)
            )
            is_keyed = entity == partner and not self._kam_identity_is_blank(identity)
            if was_keyed or is_keyed:
                accounts |= partner
                company_ids.update(
                    company_id for company_id in (was.company_id, partner.company_id.id) if company_id
                )
            if entity.id != was.entity_id:
                moved |= partner
        (accounts | moved).with_env(self.env)._kam_check_user_companies(company_ids, self.env._(
            "change the key-account identity, the company, the parent company or the archive "
            "state of"
        ))

    def _kam_check_unlink(self):
        """Deleting a key account, or a partner KAM records point to, deletes
        those records (ondelete cascade, in SQL: no record rule sees it).

        Only a KAM Manager does it, for the records of their companies. An
        ordinary partner (no identity, no KAM record) is deleted as usual.
        """
        self.check_access("unlink")
        partners = self.sudo().with_context(active_test=False)
        if self._kam_may_manage_identity():
            self._kam_check_user_companies(
                set(partners._kam_with_identity().company_id.ids),
                self.env._("delete"),
            )
            return
        keyed = partners.filtered(
            lambda partner: partner.commercial_partner_id == partner
        )._kam_with_identity()
        if keyed:
            raise AccessError(self.env._(
                "%(partners)s is a key account (status, KAM, account team or VIP): deleting it "
                "would delete its DMU, dossier, plans and contact log. Only a KAM Manager can "
                "delete it; ask one (or archive it after a KAM Manager demoted it).",
                partners=", ".join(keyed[:5].mapped("name")),
            ))
        with_records = partners._kam_partners_with_records(skip=("kam.partner.metric", "kam.account"))
        if with_records:
            raise AccessError(self.env._(
                "Key-account records (DMU, personal data, dossier, contact log...) point to "
                "%(partners)s: deleting it would delete them or remove it from them. Only a KAM "
                "Manager can delete it; ask one.",
                partners=", ".join(with_records[:5].mapped("name")),
            ))

    def _kam_check_user_companies(self, company_ids, action):
        """Refuse ``action`` on these partners unless the current user has every
        company of ``company_ids`` and of the KAM records pointing to them."""
        if self.env.su or not self:
            return
        needed = set(company_ids) | self._kam_record_company_ids()
        Company = self.env["res.company"].sudo()
        if False in needed:  # a record of every company
            needed = (needed - {False}) | set(Company.search([]).ids)
        missing = Company.browse(sorted(needed - set(self.env.user.company_ids.ids)))
        if missing:
            raise AccessError(self.env._(
                "You cannot %(action)s %(partners)s: it concerns %(companies)s, a company you "
                "do not manage (its company, or its key-account records: DMU, dossier, "
                "plans...). Ask a KAM Manager of %(companies)s.",
                action=action,
                partners=", ".join(self.sudo()[:5].mapped("name")),
                companies=", ".join(missing.mapped("name")),
            ))

    def _kam_identity_error(self, accounts, team=False, demoted=False):
        # Their own names: a refused re-parenting may have changed the display name.
        names = ", ".join(accounts[:5].mapped("name"))
        if team:
            return self.env._(
                "Only a KAM Manager or the account's KAM can change the account team of "
                "%(accounts)s. Ask a KAM Manager.",
                accounts=names,
            )
        if demoted:
            return self.env._(
                "%(accounts)s is a key account (status, KAM, account team or VIP): only a KAM "
                "Manager can change its parent company or make it a contact of another "
                "company. Ask a KAM Manager.",
                accounts=names,
            )
        return self.env._(
            "Only a KAM Manager can change the key-account identity (status, KAM, account "
            "team, level, types, VIP) of %(accounts)s: use Promote to Key Account / Demote to "
            "Former, or ask a KAM Manager.",
            accounts=names,
        )
