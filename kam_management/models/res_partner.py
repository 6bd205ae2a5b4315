import datetime
import logging
from collections import namedtuple

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, format_date
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.safe_eval import safe_eval

from ..rules import risk
from ..rules.dmu import next_occurrence
from ..rules.shares import AUTO_LIFECYCLE_BLOCKS, kam_overloaded, portfolio_state
from .kam_concurrency import RETRY_ERRORS
from .kam_selections import DEPENDENCY_LEVELS, KAM_LEVELS, KAM_STATUS, LIFECYCLE_BLOCKS

_logger = logging.getLogger(__name__)

KAM_USER_GROUP = "kam_management.group_kam_user"
KAM_MANAGER_GROUP = "kam_management.group_kam_manager"
# The key-account identity: the record rules give an account's KAM data to its
# KAM and team, so only the head of KAM changes it (the account's KAM may
# staff its team). Contacts carry a synced copy; a partner that becomes its own
# commercial entity starts blank. See ``_kam_check_identity_write``.
KAM_IDENTITY_FIELDS = (
    "kam_status", "kam_status_reason", "kam_key_since", "kam_user_id", "kam_team_user_ids",
    "kam_level", "kam_level_team_id", "kam_level_department", "kam_type_ids",
    "kam_is_vip", "kam_vip_review_date",
)
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
    # The mixin refuses writes of the kam_ figures computed here (share,
    # margin, risk, compliance...): they are derived, a write would be dropped.
    _name = "res.partner"
    _inherit = ["res.partner", "kam.derived.fields.mixin"]

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
    kam_lifecycle_block = fields.Selection(
        LIFECYCLE_BLOCKS, string="Client-Base Block", copy=False, tracking=True
    )
    kam_dead_revivable = fields.Boolean(
        string="Revivable", help="A dead client that may still be brought back."
    )
    kam_lifecycle_zone = fields.Selection(
        [("birth", "Birth"), ("life", "Life"), ("exit", "Exit")],
        string="Lifecycle Zone",
        copy=False,
    )

    # Identification metrics of the current company (kam.partner.metric).
    # The dependency badge is for every internal user; the figures are for
    # the KAM groups only (and, through the record rules of the metrics, a KAM
    # user sees the figures of their own accounts).
    kam_metric_ids = fields.One2many(
        "kam.partner.metric", "partner_id", string="Key-Account Metrics",
        groups=KAM_USER_GROUP,
    )
    kam_dependency_level = fields.Selection(
        DEPENDENCY_LEVELS,
        string="Dependency",
        compute="_compute_kam_dependency_level",
        search="_search_kam_dependency_level",
        help="How much the current company depends on this client: key (share at or "
        "above the key-account share), critical (above the critical share), "
        "mono-client (above the mono-client share).",
    )
    kam_currency_id = fields.Many2one(
        "res.currency", string="KAM Currency", compute="_compute_kam_currency_id"
    )
    kam_metric_id = fields.Many2one(
        "kam.partner.metric", string="Metrics", compute="_compute_kam_metrics",
        groups=KAM_USER_GROUP,
    )
    kam_share = fields.Float(
        string="Share (%)", compute="_compute_kam_metrics", digits=(16, 2),
        groups=KAM_USER_GROUP,
    )
    kam_margin_share = fields.Float(
        string="Margin Share (%)", compute="_compute_kam_metrics", digits=(16, 2),
        groups=KAM_USER_GROUP,
    )
    kam_invoiced_revenue = fields.Monetary(
        string="Invoiced Revenue", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_ordered_revenue = fields.Monetary(
        string="Ordered Revenue", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_margin = fields.Monetary(
        string="Gross Margin", compute="_compute_kam_metrics",
        currency_field="kam_currency_id", groups=KAM_USER_GROUP,
    )
    kam_order_count = fields.Integer(
        string="Orders in Window", compute="_compute_kam_metrics", groups=KAM_USER_GROUP
    )
    kam_last_order_date = fields.Date(
        string="Last Order", compute="_compute_kam_metrics", groups=KAM_USER_GROUP
    )
    kam_pareto_rank = fields.Integer(
        string="Pareto Rank", compute="_compute_kam_metrics", groups=KAM_USER_GROUP
    )

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
        self.env["res.partner"].invalidate_model(list(KAM_IDENTITY_FIELDS))

    def _kam_identity_rows_query(self, condition):
        """Query of the ``kam.account`` rows shown on their partners (the
        partner's company, else the current company) that match ``condition``."""
        Account = self.env["kam.account"].sudo().with_context(active_test=False)
        query = Account._search(condition)
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

    @api.depends_context("company")
    def _compute_kam_currency_id(self):
        self.kam_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_kam_dependency_level(self):
        """The badge every internal user sees: read as superuser, one query."""
        metrics = self._kam_current_metrics(["dependency_level"], sudo=True)
        for partner in self:
            metric = metrics.get(partner.commercial_partner_id.id)
            partner.kam_dependency_level = metric.dependency_level if metric else "none"

    def _search_kam_dependency_level(self, operator, value):
        if operator in ("=", "!="):
            levels = {value}
        elif operator in ("in", "not in"):
            levels = set(value)
        else:
            raise UserError(self.env._("Operation not supported on the dependency level."))
        wanted = sorted(level for level in levels if level and level != "none")
        domain = [("id", "in", self._kam_dependency_subquery(wanted))]
        if "none" in levels or False in levels:
            others = [code for code, _label in DEPENDENCY_LEVELS if code != "none"]
            domain = expression.OR(
                [domain, [("id", "not in", self._kam_dependency_subquery(others))]]
            )
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends_context("company", "uid")
    @api.depends("commercial_partner_id")
    def _compute_kam_metrics(self):
        """Figures of the current company, read with the user's rights, one query."""
        metrics = self._kam_current_metrics([
            "share", "margin_share", "invoiced_revenue", "ordered_revenue", "margin",
            "order_count", "last_order_date", "pareto_rank",
        ])
        empty = self.env["kam.partner.metric"]
        for partner in self:
            metric = metrics.get(partner.commercial_partner_id.id, empty)
            partner.kam_metric_id = metric
            partner.kam_share = metric.share
            partner.kam_margin_share = metric.margin_share
            partner.kam_invoiced_revenue = metric.invoiced_revenue
            partner.kam_ordered_revenue = metric.ordered_revenue
            partner.kam_margin = metric.margin
            partner.kam_order_count = metric.order_count
            partner.kam_last_order_date = metric.last_order_date
            partner.kam_pareto_rank = metric.pareto_rank

    # ------------------------------------------------------------------
    # Identification: actions
    # ------------------------------------------------------------------

    def action_kam_recompute_metrics(self):
        """Server action: refresh the metrics of the selected partners in the
        companies the user works in, then their candidates and alerts."""
        if not self.env.user.has_group(KAM_USER_GROUP):
            raise AccessError(self.env._("Only key account managers can recompute the metrics."))
        partners = self.commercial_partner_id
        self.sudo()._kam_recompute_metrics(companies=self.env.companies, partners=partners)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Key-account metrics recomputed for %(count)s partner(s).",
                    count=len(partners),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_kam_open_metrics(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_partner_metric_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Identification: recompute (cron, server action, settings button)
    # ------------------------------------------------------------------

    @api.model
    def _kam_cron_recompute(self):
        self._kam_recompute_metrics(isolate=True)

    @api.model
    def _kam_recompute_metrics(self, companies=None, partners=None, isolate=False, today=None):
        """Refresh the metrics, candidates, client-base blocks and alerts.

        One SQL statement per company for the metrics, then a handful of
        set-based queries: the cost does not depend on a loop over partners.
        ``partners`` (commercial partners) limits what is written; shares
        are always measured on the whole company.

        ``isolate`` (the cron): each company runs in a savepoint; a company
        whose settings are out of bounds or whose statement fails is logged
        and skipped (its alerts too) and the others are computed. The later
        steps run in savepoints as well, the alerts company by company when
        they fail together. ``today`` (by default the user's today) ends the window.
        """
        companies = companies or self.env["res.company"].sudo().search([])
        partner_ids = None if partners is None else partners.commercial_partner_id.ids
        today = today or fields.Date.context_today(self)
        Metric = self.env["kam.partner.metric"].sudo()
        Partner = self.sudo()
        changed = set(partner_ids or ())
        computed = companies.browse()
        for company in companies:
            if isolate:
                broken = company._kam_settings_errors("identification")
                if broken:
                    _logger.error(
                        "Key-account recompute: res.company(%s) %s skipped, settings out of bounds: %s",
                        company.id, company.name, ", ".join(broken),
                    )
                    continue
                done, rows = Partner._kam_isolated(
                    f"metrics of res.company({company.id}) {company.name}",
                    Metric._refresh_company, company, partner_ids, today,
                )
                if not done:
                    continue
            else:
                rows = Metric._refresh_company(company, partner_ids, today)
            changed.update(rows)
            computed |= company
        if not isolate:
            Partner._kam_update_candidates(partner_ids, today)
            # Blocks follow the rows whose earned block moved (orders, or the
            # company's order counts) and, on request, the selected partners.
            Partner._kam_update_lifecycle(list(changed))
            Partner._kam_raise_alerts(computed, partner_ids, today)
            return True
        Partner._kam_isolated("candidate update", Partner._kam_update_candidates, partner_ids, today)
        Partner._kam_isolated("client-base blocks", Partner._kam_update_lifecycle, list(changed))
        single = len(computed) <= 1
        done, _alerts = Partner._kam_isolated(
            "alerts", Partner._kam_raise_alerts, computed, partner_ids, today, log=single,
        )
        if not done and not single:
            for company in computed:
                Partner._kam_isolated(
                    f"alerts of res.company({company.id}) {company.name}",
                    Partner._kam_raise_alerts, company, partner_ids, today,
                )
        return True

    @api.model
    def _kam_isolated(self, what, function, *args, log=True):
        """``function(*args)`` in a savepoint: (True, its result), or (False, None) once
        the failure, named by ``what``, is logged and rolled back."""
        try:
            with self.env.cr.savepoint():
                return True, function(*args)
        except RETRY_ERRORS as error:
            # A concurrent transaction (another server's recompute, a user), not a
            # bad record: left to a run of the recompute a minute later.
            self.env.invalidate_all()
            _logger.warning(
                "Key-account recompute: %s met a concurrent transaction (%s); left to a run of "
                "the recompute in a minute", what, error.pgerror.strip() if error.pgerror else type(error).__name__,
            )
            self._kam_reschedule_recompute()
            return False, None
        except Exception:
            self.env.invalidate_all()
            if log:
                _logger.exception("Key-account recompute: %s failed and was skipped", what)
            else:
                _logger.warning("Key-account recompute: %s failed; retrying company by company", what)
            return False, None

    @api.model
    def _kam_reschedule_recompute(self, minutes=1):
        """Trigger the recompute cron ``minutes`` from now (work left after a conflict)."""
        cron = self.env.ref("kam_management.ir_cron_kam_recompute_metrics", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(fields.Datetime.now() + datetime.timedelta(minutes=minutes))

    # ------------------------------------------------------------------
    # Identification: private helpers
    # ------------------------------------------------------------------

    @api.model
    def _kam_commercial_domain(self):
        """Commercial entities only: their contacts carry a synced copy of the
        key-account fields, which must not be counted twice."""
        return ["|", ("is_company", "=", True), ("parent_id", "=", False)]

    def _kam_current_metrics(self, fnames, sudo=False):
        """{commercial partner id: metric} of the current company, one query."""
        Metric = self.env["kam.partner.metric"]
        if sudo:
            Metric = Metric.sudo()
        partner_ids = [pid for pid in self.commercial_partner_id._origin.ids if pid]
        if not partner_ids:
            return {}
        metrics = Metric.search_fetch(
            [("partner_id", "in", partner_ids), ("company_id", "=", self.env.company.id)],
            ["partner_id", *fnames],
        )
        return {metric.partner_id.id: metric for metric in metrics}

    @api.model
    def _kam_dependency_subquery(self, levels):
        return SQL(
            """(SELECT p.id
                  FROM res_partner p
                  JOIN kam_partner_metric m ON m.partner_id = p.commercial_partner_id
                 WHERE m.company_id = %s AND m.dependency_level = ANY(%s))""",
            self.env.company.id,
            list(levels),
        )

    @api.model
    def _kam_update_candidates(self, partner_ids, today):
        """Partners that meet the rules in any company become candidates; candidates
        that no longer do go back to 'none'. Key and former are decided by people."""
        scope = self._kam_commercial_domain()
        if partner_ids is not None:
            scope = expression.AND([scope, [("id", "in", partner_ids)]])
        date = format_date(self.env, today)
        all_rising = all_falling = self.browse()
        # The status is per company: each company's metrics decide its candidates.
        for company in self.env["res.company"].sudo().search([]):
            partners = self.with_company(company)
            qualified = SQL(
                "(SELECT partner_id FROM kam_partner_metric WHERE is_candidate AND company_id = %s)",
                company.id,
            )
            # Read from the few qualifying metric rows (partial index), not from
            # the many partners whose status is 'none'.
            rising = partners.browse([
                partner_id for (partner_id,) in self.env.execute_query(SQL(
                    "SELECT DISTINCT partner_id FROM kam_partner_metric WHERE is_candidate AND company_id = %s",
                    company.id,
                ))
            ]).filtered_domain(
                expression.AND([scope, [("kam_status", "=", "none"), ("active", "=", True)]])
            )
            falling = partners.search(
                expression.AND([scope, [("kam_status", "=", "candidate"), ("id", "not in", qualified)]])
            )
            if rising:
                rising.write({
                    "kam_status": "candidate",
                    "kam_status_reason": self.env._(
                        "Meets the key-account rules (recompute of %(date)s).", date=date
                    ),
                })
            if falling:
                falling.write({
                    "kam_status": "none",
                    "kam_status_reason": self.env._(
                        "No longer meets the key-account rules (recompute of %(date)s).", date=date
                    ),
                })
            all_rising |= rising.with_env(self.env)
            all_falling |= falling.with_env(self.env)
        return all_rising, all_falling

    @api.model
    def _kam_update_lifecycle(self, partner_ids):
        """Working / regular client-base block of these partners, from the block
        their orders of the window earn in each company (``order_block`` of the
        metrics, ``rules.shares.order_block``): the highest of the companies,
        and never over a block a person chose (dead, time-tested, VIP, key;
        ``rules.shares.lifecycle_block``).

        One set-based UPDATE of the partners whose block changes, whatever
        their number (the first recompute of a database moves every client
        with orders). On a key account, candidate or former key account, a
        change from a block it already had is tracked in its chatter, all of
        them with one insert (``_kam_track_lifecycle_blocks``). Returns
        ``{block: [partner ids]}``.
        """
        if not partner_ids:
            return {}
        self.env["kam.partner.metric"].flush_model(["partner_id", "order_block"])
        self.flush_model(["kam_lifecycle_block"])
        auto_blocks = [block for block in AUTO_LIFECYCLE_BLOCKS if block]
        rows = self.env.execute_query(SQL(
            """
            WITH earned AS (
                SELECT partner_id,
                       CASE WHEN bool_or(order_block = 'regular')
                            THEN 'regular' ELSE 'working' END AS block
                  FROM kam_partner_metric
                 WHERE partner_id = ANY(%(ids)s) AND order_block IS NOT NULL
                 GROUP BY partner_id
            ), moved AS MATERIALIZED (
                SELECT p.id, p.kam_lifecycle_block AS old_block, e.block
                  FROM earned e
                  JOIN res_partner p ON p.id = e.partner_id
                 WHERE (p.kam_lifecycle_block IS NULL OR p.kam_lifecycle_block = ANY(%(auto)s))
                   AND p.kam_lifecycle_block IS DISTINCT FROM e.block
            )
            UPDATE res_partner p
               SET kam_lifecycle_block = moved.block,
                   write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM moved
             WHERE p.id = moved.id
               -- a person's concurrent choice is never overwritten
               AND p.kam_lifecycle_block IS NOT DISTINCT FROM moved.old_block
         RETURNING p.id, moved.old_block, moved.block,
                   EXISTS (SELECT 1 FROM kam_account a
                            WHERE a.partner_id = p.id AND a.kam_status != 'none') AS followed
            """,
            ids=list(partner_ids),
            auto=auto_blocks,
            uid=self.env.uid,
        ))
        if not rows:
            return {}
        self.browse([row[0] for row in rows]).invalidate_recordset(
            ["kam_lifecycle_block", "write_uid", "write_date"]
        )
        # The chatter of the accounts followed in key-account management tells
        # when their block moved; for the other clients, the metrics rows keep
        # the block their orders earn in each company.
        self._kam_track_lifecycle_blocks([
            (partner_id, old, block)
            for partner_id, old, block, followed in rows if old and followed
        ])
        by_block = {}
        for partner_id, _old, block, _followed in rows:
            by_block.setdefault(block, []).append(partner_id)
        return by_block

    @api.model
    def _kam_track_lifecycle_blocks(self, changes):
        """The chatter's tracking of ``changes`` ``(partner id, old block, new
        block)``: one note with one tracking value per partner, as the ORM's
        tracking writes them, inserted in one statement for all the partners."""
        if not changes:
            return
        field = self._fields["kam_lifecycle_block"]
        labels = dict(field._description_selection(self.env))
        author = self.env.user.partner_id
        author_id, email_from = self.env["mail.thread"]._message_compute_author(
            author.id, None, raise_on_email=False
        )
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        ids = [partner_id for partner_id, _old, _new in changes]
        # The message ids are drawn first: the tracking values point at them
        # without joining the inserted messages back.
        self.env.execute_query(SQL(
            """
            WITH change AS MATERIALIZED (
                SELECT nextval('mail_message_id_seq') AS id, c.*
                  FROM unnest(%(ids)s::int[], %(olds)s::varchar[], %(news)s::varchar[],
                              %(message_ids)s::varchar[])
                       AS c(res_id, old_label, new_label, message_id)
            ), message AS (
                INSERT INTO mail_message (
                       id, model, res_id, message_type, subtype_id, is_internal, body,
                       author_id, email_from, reply_to, message_id, email_add_signature,
                       date, create_uid, create_date, write_uid, write_date)
                SELECT c.id, 'res.partner', c.res_id, 'notification', %(subtype)s, TRUE, '',
                       %(author)s, %(email_from)s, %(reply_to)s, c.message_id, FALSE,
                       NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM change c
            )
            INSERT INTO mail_tracking_value (
                   field_id, old_value_char, new_value_char, mail_message_id,
                   create_uid, create_date, write_uid, write_date)
            SELECT %(field)s, c.old_label, c.new_label, c.id,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM change c
            """,
            ids=ids,
            olds=[labels.get(old, old) for _id, old, _new in changes],
            news=[labels.get(new, new) for _id, _old, new in changes],
            message_ids=[generate_tracking_message_id("message-notify") for _id in ids],
            subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
            author=author_id,
            email_from=email_from,
            reply_to=reply_to,
            field=self.env["ir.model.fields"]._get(self._name, "kam_lifecycle_block").id,
            uid=self.env.uid,
        ))
        self.env["mail.message"].invalidate_model()
        self.browse(ids).invalidate_recordset(["message_ids"])

    @api.model
    def _kam_alert_managers(self, companies):
        """{company id: the KAM manager who receives company-level alerts}."""
        group = self.env.ref("kam_management.group_kam_manager")
        root = self.env.ref("base.user_root")
        users = self.env["res.users"].sudo().search(
            [("groups_id", "in", group.id), ("share", "=", False), ("id", "!=", root.id)],
            order="id",
        )
        managers = {}
        for company in companies:
            allowed = users.filtered(lambda user, company=company: company in user.company_ids)
            fallback = self.env.user if self.env.user != root else self.env["res.users"]
            managers[company.id] = allowed[:1] or fallback
        return managers

    @api.model
    def _kam_raise_alerts(self, companies, partner_ids=None, today=None):
        """One activity per alert (kind, record, company), kept true by ``kam.alert``.

        Client dependency (critical, mono-client) goes to the account's KAM
        (or salesperson, else the KAM manager). An overloaded KAM and the
        portfolio mono-dependence are management problems: the activity is for
        the KAM manager, on the KAM's partner and on the company's partner. An
        overdue VIP review goes to the sales manager: the leader of the team the
        account is key for, else of the salesperson's team, else the KAM manager.

        The alerts measured here (the companies, and the partners when given)
        are synced: raised when their cause appears, rewritten when their
        figures change, closed with a note when the cause is gone, and not
        raised again while a cause a user answered persists
        (``kam.alert._kam_sync``). Returns the open alert activities.
        """
        today = today or fields.Date.context_today(self)
        managers = self._kam_alert_managers(companies)
        alerts = {}

        def add(record, kind, company, user, values):
            if user:
                alerts[(record.id, kind, company.id or False)] = {"user": user, "values": values}

        Metric = self.env["kam.partner.metric"].sudo()
        dependency_domain = [
            ("company_id", "in", companies.ids), ("dependency_level", "in", ("critical", "mono")),
        ]
        if partner_ids is not None:
            dependency_domain.append(("partner_id", "in", partner_ids))
        for metric in Metric.search_fetch(
            dependency_domain, ["partner_id", "company_id", "dependency_level", "share"]
        ):
            partner, company = metric.partner_id, metric.company_id
            user = partner.with_company(company).kam_user_id or partner.user_id or managers.get(company.id)
            kind = "mono" if metric.dependency_level == "mono" else "critical"
            add(partner, kind, company, user, {"share": round(metric.share, 1)})

        # The few key accounts first (index on the status), then their metrics
        # through the (partner, company) index: no scan of every client's row.
        key_shares = self.env.execute_query(SQL(
            """
            WITH keys AS MATERIALIZED (
                SELECT partner_id, company_id FROM kam_account WHERE kam_status = 'key'
            )
            SELECT m.company_id, SUM(m.share)
              FROM keys
              JOIN kam_partner_metric m
                ON m.partner_id = keys.partner_id AND m.company_id = keys.company_id
             WHERE m.company_id = ANY(%s)
             GROUP BY m.company_id
            """,
            companies.ids,
        ))
        for company_id, total_share in key_shares:
            company = companies.browse(company_id)
            state = portfolio_state(
                total_share, company.kam_portfolio_band_low, company.kam_portfolio_band_high,
                company.kam_portfolio_mono_share,
            )
            if state == "mono":
                add(company.partner_id, "portfolio_mono", company, managers.get(company.id),
                    {"share": round(total_share, 1)})

        Account = self.env["kam.account"].sudo()
        loads = Account._read_group(
            [
                ("company_id", "in", companies.ids), ("kam_status", "=", "key"),
                ("kam_user_id", "!=", False), ("partner_id.active", "=", True),
            ],
            ["company_id", "kam_user_id"], ["__count"],
        )
        for company, kam, count in loads:
            if kam_overloaded(count, company.kam_max_accounts_per_kam):
                add(kam.partner_id, "kam_overload", company, managers.get(company.id),
                    {"count": count, "max": company.kam_max_accounts_per_kam})

        vip_domain = [
            ("company_id", "in", companies.ids), ("kam_is_vip", "=", True),
            ("kam_vip_review_date", "<", today), ("partner_id.active", "=", True),
        ]
        if partner_ids is not None:
            vip_domain.append(("partner_id", "in", partner_ids))
        for account in Account.search(vip_domain):
            # VIP is decided per company: one review alert per account and company.
            partner, company = account.partner_id, account.company_id
            user = (
                account.kam_level_team_id.user_id
                or partner.user_id.sale_team_id.user_id
                or managers.get(company.id)
            )
            add(partner, "vip_review", company, user,
                {"date": fields.Date.to_string(account.kam_vip_review_date)})
        # What this run measured: the alerts of these companies (of these
        # partners, when given).
        in_partners = [("partner_id", "in", partner_ids)] if partner_ids is not None else []
        scope = expression.OR([
            [("kind", "in", ("critical", "mono", "vip_review")), ("company_id", "in", companies.ids),
             *in_partners],
            [("kind", "in", ("portfolio_mono", "kam_overload")), ("company_id", "in", companies.ids)],
        ])
        return self.env["kam.alert"].sudo()._kam_sync(alerts, scope, today)

    @api.model
    def _kam_create_alert_activities(self, alerts, today):
        """Create the activities of ``alerts`` (``{key: activity values}``), batched;
        an alert whose activity cannot be created costs only itself (logged)."""
        Activity = self.env["mail.activity"].sudo()
        if not alerts:
            return Activity
        activity_type = self.env.ref("kam_management.mail_act_kam_alert")
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = [
            dict(values, res_model_id=model_id, activity_type_id=activity_type.id,
                 date_deadline=today, automated=True)
            for values in alerts.values()
        ]
        if len(vals_list) > 1:
            try:
                with self.env.cr.savepoint():
                    return Activity.create(vals_list)
            except RETRY_ERRORS:
                raise  # a concurrent transaction, not a bad record: the caller retries
            except Exception:
                self.env.invalidate_all()
                _logger.warning("Key-account alerts: creating %s alerts failed; one by one", len(vals_list))
        # One bad record (an assignee or a partner that cannot be written)
        # costs only its own alert.
        activities = Activity
        for vals in vals_list:
            try:
                with self.env.cr.savepoint():
                    activities |= Activity.create(vals)
            except RETRY_ERRORS:
                raise
            except Exception:
                self.env.invalidate_all()
                _logger.exception(
                    "Key-account alerts: the %s alert on res.partner(%s) failed and was skipped",
                    vals["kam_alert_kind"], vals["res_id"],
                )
        return activities

    # ------------------------------------------------------------------
    # Analytics (SPEC §4): risk signals, ending review, account plans
    # ------------------------------------------------------------------

    kam_health_ids = fields.One2many(
        "kam.account.health", "partner_id", string="Account Health",
        groups="kam_management.group_kam_user",
    )
    kam_risk_score = fields.Integer(
        string="Risk Score", compute="_compute_kam_risk",
        groups="kam_management.group_kam_user",
    )
    kam_risk_level = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Risk", compute="_compute_kam_risk", search="_search_kam_risk_level",
        groups="kam_management.group_kam_user",
    )
    kam_account_plan_ids = fields.One2many(
        "kam.account.plan", "partner_id", string="Account Plans",
        groups="kam_management.group_kam_user",
    )
    kam_account_plan_count = fields.Integer(
        string="Account Plan Count", compute="_compute_kam_account_plan_count",
        groups="kam_management.group_kam_user",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_risk(self):
        """Risk of the account in the current company, one query for the batch."""
        healths = self.env["kam.account.health"].search_fetch(
            [("partner_id", "in", self.commercial_partner_id.ids),
             ("company_id", "=", self.env.company.id)],
            ["partner_id", "risk_score", "risk_level"],
        )
        by_partner = {health.partner_id.id: health for health in healths}
        for partner in self:
            health = by_partner.get(partner.commercial_partner_id.id)
            partner.kam_risk_score = health.risk_score if health else 0
            partner.kam_risk_level = health.risk_level if health else False

    def _search_kam_risk_level(self, operator, value):
        health_domain = [("company_id", "=", self.env.company.id), ("risk_level", operator, value)]
        return [("kam_health_ids", "any", health_domain)]

    @api.depends_context("company", "uid")
    def _compute_kam_account_plan_count(self):
        counts = dict(self.env["kam.account.plan"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.kam_account_plan_count = counts.get(partner.commercial_partner_id, 0)

    def _kam_refresh_health(self, companies=None):
        """Recompute the risk signals of these key accounts (all companies by default)."""
        self.env["kam.account.health"]._kam_refresh(
            companies or self.env.companies, partners=self,
        )
        return True

    def action_kam_open_health(self):
        """Open the health of the account in the current company, creating it if needed."""
        self.ensure_one()
        self._kam_check_owned(self.env._("open its risk signals"))
        partner = self.commercial_partner_id
        # Inserted unless the cron (or a colleague) just did: never a unique violation.
        health = self.env["kam.account.health"]._kam_ensure(self.env.company, partner.ids)[:1]
        if health and not health.last_refresh and partner.kam_status == "key":
            partner._kam_refresh_health(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": "kam.account.health",
            "res_id": health.id,
            "view_mode": "form",
        }

    def action_kam_open_plans(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its account plans"))
        partner = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_account_plan_action"
        )
        action["domain"] = [("partner_id", "=", partner.id)]
        action["context"] = {"default_partner_id": partner.id}
        return action

    # ------------------------------------------------------------------
    # Personal data (DMU): SPEC §2, digest §3.3. The birthday, hobbies,
    # family, values, gift preferences and personal dates of a person live
    # on kam.person.profile, whose record rules give them to the team of an
    # account where the person is in the DMU and to that company's KAM
    # managers, through the person's DMU memberships below.
    # ------------------------------------------------------------------

    kam_dmu_membership_ids = fields.One2many(
        "kam.dmu.member", "contact_id", string="DMU Memberships", copy=False,
        context={"active_test": False}, groups="kam_management.group_kam_user",
        help="The DMUs this person is in (archived memberships included).",
    )
    # DMU and dossier of the key account (the commercial entity)
    kam_dmu_member_ids = fields.One2many(
        "kam.dmu.member", "partner_id", string="DMU Members", copy=False,
        groups="kam_management.group_kam_user",
    )
    kam_dmu_member_count = fields.Integer(
        string="DMU", compute="_compute_kam_dmu_member_count",
        groups="kam_management.group_kam_user",
    )
    kam_dossier_ids = fields.One2many(
        "kam.dossier", "partner_id", string="Dossiers", copy=False,
        groups="kam_management.group_kam_user",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_dmu_member_count(self):
        counts = dict(self.env["kam.dmu.member"]._read_group(
            [("partner_id", "in", self.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id"], ["__count"],
        ))
        for partner in self:
            partner.kam_dmu_member_count = counts.get(partner, 0)

    def action_open_kam_dossier(self):
        """Open the account's dossier in the current company, created on first use."""
        self.ensure_one()
        self._kam_check_owned(self.env._("open its dossier"))
        dossier = self.env["kam.dossier"]._kam_get_or_create(self.commercial_partner_id)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dossier"),
            "res_model": "kam.dossier",
            "res_id": dossier.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_kam_open_dmu(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its decision-making unit"))
        account = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "kam_management.kam_dmu_member_action"
        )
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id}
        return action

    def action_kam_open_relationship_map(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its relationship map"))
        return self.commercial_partner_id._kam_relationship_map_action()

    def _kam_relationship_map_action(self):
        """Client action drawing the DMU of this key account (static/src/relationship_map)."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "kam_relationship_map",
            "name": self.env._("Relationship Map: %(account)s", account=self.display_name),
            "params": {"partner_id": self.id},
            "context": {"active_id": self.id, "active_model": "res.partner"},
        }

    def action_kam_open_person_profile(self):
        """Open the personal profile of this person, created on first use.

        Only for a person in a DMU the user works on (``kam.person.profile``
        refuses the others with a clear error).
        """
        self.ensure_one()
        profile = self.env["kam.person.profile"]._kam_for_partners(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Personal Profile"),
            "res_model": "kam.person.profile",
            "res_id": profile.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def _kam_greeting_dates(self, date_from, date_to, accounts=None, company=None):
        """Birthdays and personal dates of the DMU people of key accounts in a window.

        For the greeting reminders of the communication plan: a list of dicts
        ``{"partner_id", "account_id", "member_id", "date", "occasion", "kind"}``
        (kind is ``birthday`` or ``personal``) whose next occurrence from
        ``date_from`` falls on or before ``date_to``, one per active DMU
        membership (the reminder belongs on it: its readers are the readers
        of the profile). ``accounts`` limits the search to these accounts
        (default: every key account), ``company`` to the DMUs of one of our
        companies. Reads as superuser, in three queries: the caller reminds
        the account's KAM, to whom the profile belongs.
        """
        member_domain = (
            [("partner_id", "in", accounts.ids)] if accounts is not None
            else [("partner_id.kam_status", "=", "key")]
        )
        if company is not None:
            member_domain = expression.AND([member_domain, [("company_id", "=", company.id)]])
        members = self.env["kam.dmu.member"].sudo().search(member_domain)
        profiles = self.env["kam.person.profile"].sudo().search(
            [("partner_id", "in", members.contact_id.ids)]
        )
        profile_of = {profile.partner_id.id: profile for profile in profiles}
        dates = []
        for member in members:
            profile = profile_of.get(member.contact_id.id)
            if not profile:
                continue
            common = {
                "partner_id": member.contact_id.id,
                "account_id": member.partner_id.id,
                "member_id": member.id,
            }
            day = next_occurrence(profile.birthday, date_from, yearly=True)
            if day and day <= date_to:
                dates.append(dict(common, date=day, occasion=self.env._("Birthday"), kind="birthday"))
            for record in profile.personal_date_ids:
                day = next_occurrence(record.date, date_from, yearly=record.yearly)
                if day and day <= date_to:
                    dates.append(dict(common, date=day, occasion=record.name, kind="personal"))
        return sorted(dates, key=lambda item: (item["date"], item["partner_id"], item["member_id"]))

    # ------------------------------------------------------------------
    # Communication (SPEC §3): contact log, plan, compliance, cool-down
    # ------------------------------------------------------------------

    kam_professional_day = fields.Date(
        string="Professional Holiday",
        help="The client's professional holiday (year ignored): a greeting date of the plan.",
    )
    kam_company_birthday = fields.Date(
        string="Company Birthday",
        help="The client company's foundation date (year ignored): a greeting date of the plan.",
    )
    kam_contact_log_ids = fields.One2many(
        "kam.contact.log", "partner_id", string="Contact Log", groups=KAM_USER_GROUP
    )
    kam_plan_line_ids = fields.One2many(
        "kam.comm.plan.line", "partner_id", string="Communication Plan", groups=KAM_USER_GROUP
    )
    # Current company, computed for a whole page of accounts in a few queries.
    kam_compliance_rate = fields.Float(
        string="Plan Compliance (%)",
        compute="_compute_kam_communication",
        digits=(16, 0),
        groups=KAM_USER_GROUP,
        help="Share of the planned contacts of the last 90 days done on time (3 days of grace).",
    )
    kam_compliance_planned = fields.Integer(
        string="Planned Contacts (90 days)", compute="_compute_kam_communication", groups=KAM_USER_GROUP
    )
    kam_last_positive_contact_date = fields.Date(
        string="Last Positive Contact", compute="_compute_kam_communication", groups=KAM_USER_GROUP
    )
    kam_cooldown_until = fields.Date(
        string="Cool-Down Until",
        compute="_compute_kam_communication",
        groups=KAM_USER_GROUP,
        help="A negative contact is cooling down: no personal contact by the people involved "
        "until this date.",
    )
    kam_contact_log_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)
    kam_plan_line_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)
    kam_plan_overdue_count = fields.Integer(compute="_compute_kam_communication", groups=KAM_USER_GROUP)

    @api.depends_context("company", "uid")
    def _compute_kam_communication(self):
        """Figures of the current company, for the accounts the user may see.

        Counted as superuser (a KAM counts every contact of their account, not
        only those they took part in), so the accounts are first narrowed to
        those whose KAM data the user may see: their own (KAM or team), all
        for a KAM Manager. Other accounts get empty figures: cool-downs and
        last contacts tell how another KAM's relationship goes.
        """
        today = fields.Date.context_today(self)
        company = self.env.company
        accounts = self.env["kam.account.owned.mixin"]._kam_owned_accounts(
            self._origin.commercial_partner_id
        )
        compliance = self.env["kam.comm.occurrence"].sudo()._kam_compliance(accounts, today, company)
        Log = self.env["kam.contact.log"].sudo()
        log_domain = [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)]
        last_positive = dict(Log._read_group(
            log_domain + [("outcome", "=", "positive")], ["partner_id"], ["date:max"]
        ))
        log_counts = dict(Log._read_group(log_domain, ["partner_id"], ["__count"]))
        cooldowns = {}
        for (partner_id, _user_id), (_start, until) in Log._kam_active_cooldowns(accounts, today, company).items():
            cooldowns[partner_id] = max(until, cooldowns.get(partner_id, until))
        line_counts = {}
        for partner, state, count in self.env["kam.comm.plan.line"].sudo()._read_group(
            [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)],
            ["partner_id", "state"],
            ["__count"],
        ):
            line_counts.setdefault(partner.id, {})[state] = count
        for partner in self:
            account = partner._origin.commercial_partner_id
            planned, _on_time, rate = compliance.get(account.id, (0, 0, 0.0))
            partner.kam_compliance_rate = rate
            partner.kam_compliance_planned = planned
            partner.kam_last_positive_contact_date = last_positive.get(account, False)
            partner.kam_cooldown_until = cooldowns.get(account.id, False)
            partner.kam_contact_log_count = log_counts.get(account, 0)
            partner.kam_plan_line_count = sum(line_counts.get(account.id, {}).values())
            partner.kam_plan_overdue_count = line_counts.get(account.id, {}).get("overdue", 0)

    def action_kam_open_contact_log(self):
        self.ensure_one()
        account = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_contact_log_action")
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id}
        return action

    def action_kam_open_plan(self):
        self.ensure_one()
        self._kam_check_owned(self.env._("open its communication plan"))
        account = self.commercial_partner_id
        action = self.env["ir.actions.actions"]._for_xml_id("kam_management.kam_comm_plan_line_action")
        action["domain"] = [("partner_id", "=", account.id)]
        action["context"] = {"default_partner_id": account.id, "search_default_filter_open": 1}
        return action

    def action_kam_apply_plan_template(self):
        self._kam_check_owned(self.env._("apply a communication plan to it"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Apply Communication Plan"),
            "res_model": "kam.comm.plan.apply.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": self.commercial_partner_id.ids},
        }

    # ------------------------------------------------------------------
    # Cockpit (My Key Accounts): what a KAM reads of each account at a
    # glance, from the records of the current company, a few queries for a
    # whole page of accounts. Empty for the accounts whose KAM data the user
    # may not see (``kam_is_owned``): the cockpit says they are restricted.
    # ------------------------------------------------------------------

    kam_risk_reason = fields.Char(
        string="Main Risk Reason", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="The heaviest risk signal of the account at the last refresh.",
    )
    kam_next_plan_line_id = fields.Many2one(
        "kam.comm.plan.line", string="Next Planned Contact", compute="_compute_kam_cockpit",
        groups=KAM_USER_GROUP,
    )
    kam_next_contact_date = fields.Date(
        string="Next Contact", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="The earliest due date of the communication plan's open contacts.",
    )
    kam_dossier_id = fields.Many2one(
        "kam.dossier", string="Dossier", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP
    )
    kam_dossier_completeness = fields.Float(
        string="Dossier Completeness (%)", compute="_compute_kam_cockpit", digits=(16, 0),
        groups=KAM_USER_GROUP,
    )
    kam_active_plan_id = fields.Many2one(
        "kam.account.plan", string="Current Account Plan", compute="_compute_kam_cockpit",
        groups=KAM_USER_GROUP,
        help="The active account plan covering today, else the latest active one.",
    )
    kam_active_plan_progress = fields.Float(
        string="Account Plan Progress (%)", compute="_compute_kam_cockpit", digits=(16, 0),
        groups=KAM_USER_GROUP,
    )
    kam_alert_count = fields.Integer(
        string="Open Alerts", compute="_compute_kam_cockpit", groups=KAM_USER_GROUP,
        help="Key-account alerts (dependency, VIP review...) still open on the account.",
    )

    @api.depends_context("company", "uid")
    def _compute_kam_cockpit(self):
        """One query per source for the whole batch, on the accounts the user may see.

        Read as superuser once narrowed to those accounts (as the
        communication figures are): a KAM reads every record of their
        account, not only those they are responsible for.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        owned = self.env["kam.account.owned.mixin"]._kam_owned_accounts(
            self._origin.commercial_partner_id
        )
        reasons = self._kam_cockpit_risk_reasons(owned, company)
        next_lines = self._kam_cockpit_next_lines(owned, company)
        dossiers = {
            dossier.partner_id.id: dossier
            for dossier in self.env["kam.dossier"].sudo().search_fetch(
                [("partner_id", "in", owned.ids), ("company_id", "=", company.id)],
                ["partner_id", "completeness"],
            )
        }
        plans = {}
        for plan in self.env["kam.account.plan"].sudo().search_fetch(
            [("partner_id", "in", owned.ids), ("company_id", "=", company.id), ("state", "=", "active")],
            ["partner_id", "progress", "date_from", "date_to"],
            order="date_from desc, id desc",
        ):
            current = plans.get(plan.partner_id.id)
            if not current or (
                plan.date_from <= today <= plan.date_to
                and not current.date_from <= today <= current.date_to
            ):
                plans[plan.partner_id.id] = plan
        alerts = dict(self.env["mail.activity"].sudo()._read_group(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", owned.ids),
                ("kam_alert_kind", "!=", False),
            ],
            ["res_id"],
            ["__count"],
        ))
        Line = self.env["kam.comm.plan.line"]
        Dossier = self.env["kam.dossier"]
        Plan = self.env["kam.account.plan"]
        for partner in self:
            account_id = partner._origin.commercial_partner_id.id
            line_id, next_date = next_lines.get(account_id, (False, False))
            dossier = dossiers.get(account_id, Dossier)
            plan = plans.get(account_id, Plan)
            partner.kam_risk_reason = reasons.get(account_id, False)
            partner.kam_next_plan_line_id = Line.browse(line_id)
            partner.kam_next_contact_date = next_date
            partner.kam_dossier_id = Dossier.browse(dossier.id)
            partner.kam_dossier_completeness = dossier.completeness
            partner.kam_active_plan_id = Plan.browse(plan.id)
            partner.kam_active_plan_progress = plan.progress
            partner.kam_alert_count = alerts.get(account_id, 0)

    def action_kam_cockpit_log_contact(self):
        """Log a contact with the account: the planned one when it is due today
        or late (logging it fulfils it), else a contact of its own."""
        self.ensure_one()
        self._kam_check_owned(self.env._("log a contact with it"))
        account = self.commercial_partner_id
        line = account.kam_next_plan_line_id
        if line and line.next_due_date <= fields.Date.context_today(self):
            return line.action_log_contact()
        # The account, date and channel share one compute in the wizard: a
        # default for one of them only would leave the others empty.
        return self.env["kam.contact.outcome.wizard"]._kam_open_action({
            "default_partner_id": account.id,
            "default_date": fields.Date.to_string(fields.Date.context_today(self)),
            "default_channel": "phone",
        })

    @api.model
    def _kam_cockpit_action(self):
        """The cockpit (menu action): a KAM starts on their own accounts, a KAM
        Manager on every account grouped by KAM (the team view)."""
        if self.env.user.has_group(KAM_MANAGER_GROUP):
            defaults = {"search_default_kam_group_user": 1}
        else:
            defaults = {"search_default_kam_my_accounts": 1}
        return self._kam_action_with_defaults("kam_management.kam_cockpit_act_window", defaults)

    @api.model
    def _kam_accounts_action(self):
        """The key-account list (menu action): a KAM starts on their own
        accounts, a KAM Manager on every key account."""
        if self.env.user.has_group(KAM_MANAGER_GROUP):
            defaults = {"search_default_kam_key": 1}
        else:
            defaults = {"search_default_kam_my_key": 1}
        return self._kam_action_with_defaults("kam_management.kam_partner_action", defaults)

    @api.model
    def _kam_action_with_defaults(self, xmlid, defaults):
        """The window action ``xmlid`` whose default filters are ``defaults``."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = safe_eval(action.get("context") or "{}", {"uid": self.env.uid})
        context = {key: value for key, value in context.items() if not key.startswith("search_default_")}
        action["context"] = dict(context, **defaults)
        return action

    @api.model
    def _kam_cockpit_risk_reasons(self, accounts, company):
        """{account id: the sentence of its heaviest fired risk signal}."""
        reasons = {}
        for health in self.env["kam.account.health"].sudo().search_fetch(
            [("partner_id", "in", accounts.ids), ("company_id", "=", company.id)],
            ["partner_id", "signal_data"],
        ):
            data = health.signal_data or {}
            codes = risk.ordered_signals(data)
            if codes:
                reasons[health.partner_id.id] = health._kam_signal_sentence(codes[0], data[codes[0]])
        return reasons

    @api.model
    def _kam_cockpit_next_lines(self, accounts, company):
        """{account id: (plan line id, due date)} of the earliest open contact of each account."""
        if not accounts:
            return {}
        self.env["kam.comm.plan.line"].flush_model(
            ["partner_id", "company_id", "active", "state", "next_due_date", "sequence"]
        )
        rows = self.env.execute_query(SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, id, next_due_date
              FROM kam_comm_plan_line
             WHERE partner_id = ANY(%s)
               AND company_id = %s
               AND active
               AND state IN ('planned', 'overdue')
               AND next_due_date IS NOT NULL
             ORDER BY partner_id, next_due_date, sequence, id
            """,
            accounts.ids,
            company.id,
        ))
        return {partner_id: (line_id, due) for partner_id, line_id, due in rows}

    # ------------------------------------------------------------------
    # Trust (SPEC §5): who changes the key-account identity, VIP reviews
    # ------------------------------------------------------------------

    @api.onchange("kam_is_vip")
    def _onchange_kam_is_vip(self):
        """An account made VIP is reviewed after the company's VIP review interval."""
        for partner in self:
            if partner.kam_is_vip and not partner._origin.kam_is_vip:
                partner.kam_vip_review_date = self._kam_vip_next_review_date()

    def action_kam_vip_reviewed(self):
        """Record the VIP review of these accounts: the next one is due after the
        company's VIP review interval, and their overdue-review alerts are done."""
        accounts = self._kam_vip_record_review()
        alerts = self.env["mail.activity"].sudo().search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", accounts.ids),
            ("kam_alert_kind", "=", "vip_review"),
            ("kam_company_id", "in", (False, self.env.company.id)),
        ])
        if alerts:
            alerts.with_context(kam_vip_reviewed=True).action_feedback(feedback=self.env._(
                "VIP review recorded; next review on %(date)s.",
                date=format_date(self.env, accounts[:1].kam_vip_review_date),
            ))
        return True

    def _kam_vip_record_review(self):
        """Roll the review date of these VIP accounts forward; returns the accounts.

        A KAM Manager's decision (the review date is identity): the date is
        written with the manager's rights, so the identity checks of ``write``
        (the manager's companies included) apply. The alerts, assigned to the
        sales manager, are closed as superuser by the caller once this write
        went through.
        """
        if not self._kam_may_manage_identity():
            raise AccessError(self.env._(
                "Only a KAM Manager records a VIP review: the review date is part of the "
                "key-account identity. Ask a KAM Manager."
            ))
        accounts = self.commercial_partner_id
        not_vip = accounts.filtered(lambda account: not account.kam_is_vip)
        if not_vip:
            raise UserError(self.env._(
                "%(accounts)s is not a VIP: there is no VIP review to record.",
                accounts=", ".join(not_vip[:5].mapped("display_name")),
            ))
        accounts.write({"kam_vip_review_date": self._kam_vip_next_review_date()})
        return accounts

    @api.model
    def _kam_vip_next_review_date(self):
        """Today plus the VIP review interval of the current company."""
        company = self.env.company
        company._kam_check_bounds(["kam_vip_review_days"])
        return fields.Date.context_today(self) + datetime.timedelta(days=company.kam_vip_review_days)

    @api.model
    def _kam_default_vip_review_dates(self, vals_list):
        """A partner created VIP, as its own account, without a review date gets its first one."""
        context = self.env.context
        for vals in vals_list:
            if (
                vals.get("kam_is_vip", context.get("default_kam_is_vip"))
                and not vals.get("kam_vip_review_date", context.get("default_kam_vip_review_date"))
                and (vals.get("is_company") or not vals.get("parent_id"))
            ):
                vals["kam_vip_review_date"] = self._kam_vip_next_review_date()

    def _kam_becoming_vip(self, vals):
        """The accounts of ``self`` this write makes VIP without giving a review date."""
        if not vals.get("kam_is_vip") or "kam_vip_review_date" in vals:
            return self.browse()
        return self.filtered(
            lambda partner: not partner.kam_is_vip and partner.commercial_partner_id == partner
        )

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
