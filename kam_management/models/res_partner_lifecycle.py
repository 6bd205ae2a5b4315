# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.query import Query

from ..rules.shares import AUTO_LIFECYCLE_BLOCKS, highest_order_block, lifecycle_block
from .kam_selections import LIFECYCLE_BLOCKS


class ResPartner(models.Model):
    """The client-base block of a client (digest §2.1).

    Working and regular are earned by the orders of the window: the metrics row
    of each company keeps the block its orders earn (``order_block``); the
    other blocks are chosen by people. The block shown is derived from both
    (``rules.shares.lifecycle_block``) when it is read, searched, grouped or
    ordered: the nightly recompute never rewrites ``res_partner``, whose row
    is wide and has many indexes, when the orders move a client's block.
    """

    _inherit = "res.partner"

    kam_chosen_block = fields.Selection(
        LIFECYCLE_BLOCKS, string="Chosen Client-Base Block", copy=False,
        help="The block a person chose. Dead, time-tested, VIP and key stay as chosen; "
        "the others give way to the block the orders earn.",
    )
    kam_dead_revivable = fields.Boolean(
        string="Revivable", help="A dead client that may still be brought back."
    )
    kam_lifecycle_zone = fields.Selection(
        [("birth", "Birth"), ("life", "Life"), ("exit", "Exit")],
        string="Lifecycle Zone",
        copy=False,
    )
    kam_lifecycle_block = fields.Selection(
        LIFECYCLE_BLOCKS, string="Client-Base Block", copy=False, tracking=True,
        compute="_compute_kam_lifecycle_block", inverse="_inverse_kam_lifecycle_block",
        search="_search_kam_lifecycle_block",
        help="Working and regular follow the number of orders of the window (the highest "
        "of the companies); dead, time-tested, VIP and key are chosen by people.",
    )

    @api.depends("kam_chosen_block", "kam_metric_ids.order_block")
    def _compute_kam_lifecycle_block(self):
        earned = self._kam_earned_blocks()
        for partner in self:
            partner.kam_lifecycle_block = lifecycle_block(
                partner.kam_chosen_block, earned.get(partner._origin.id)
            )

    def _inverse_kam_lifecycle_block(self):
        for partner in self:
            partner.kam_chosen_block = partner.kam_lifecycle_block

    def _search_kam_lifecycle_block(self, operator, value):
        query = Query(self.env, self._table, self._table_sql)
        query.add_where(self._condition_to_sql(self._table, "kam_lifecycle_block", operator, value, query))
        return [("id", "in", query)]

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        if fname != "kam_lifecycle_block":
            return super()._field_to_sql(alias, fname, query, flush)
        return self._kam_lifecycle_block_sql(SQL.identifier(alias, "id"), SQL.identifier(
            alias, "kam_chosen_block", to_flush=self._fields["kam_chosen_block"]
        ))

    # ------------------------------------------------------------------
    # Private helpers
    # ------------------------------------------------------------------

    def _kam_earned_blocks(self):
        """{partner id: the highest block its orders earn in any company}, one query."""
        ids = [partner_id for partner_id in self._origin.ids if partner_id]
        if not ids:
            return {}
        self.env["kam.partner.metric"].flush_model(["partner_id", "order_block"])
        return dict(self.env.execute_query(SQL(
            "SELECT partner_id, %s FROM kam_partner_metric WHERE partner_id = ANY(%s) GROUP BY partner_id",
            self._kam_highest_block_sql(SQL.identifier("order_block")), ids,
        )))

    @api.model
    def _kam_highest_block_sql(self, block):
        """``rules.shares.highest_order_block`` of the ``block`` column, as an aggregate."""
        assert highest_order_block(["working", "regular"]) == "regular"
        return SQL(
            "CASE WHEN bool_or(%(block)s = 'regular') THEN 'regular'"
            " WHEN bool_or(%(block)s = 'working') THEN 'working' END",
            block=block,
        )

    @api.model
    def _kam_lifecycle_block_sql(self, partner_id, chosen, earned=None):
        """``rules.shares.lifecycle_block`` in SQL: the block earned by the orders
        (by default read from the metrics of ``partner_id``) unless the ``chosen``
        block is one they cannot express."""
        if earned is None:
            order_block = self.env["kam.partner.metric"]._fields["order_block"]
            earned = SQL(
                "(SELECT %s FROM kam_partner_metric kam_m WHERE kam_m.partner_id = %s)",
                self._kam_highest_block_sql(SQL("kam_m.order_block", to_flush=order_block)),
                partner_id,
            )
        return SQL(
            "COALESCE(CASE WHEN %(chosen)s IS NULL OR %(chosen)s = ANY(%(auto)s) THEN %(earned)s END,"
            " %(chosen)s)",
            chosen=chosen,
            earned=earned,
            auto=[block for block in AUTO_LIFECYCLE_BLOCKS if block],
        )

    @api.model
    def _kam_track_block_moves(self, moves):
        """Tell the chatter of the followed accounts when the orders moved their block.

        ``moves``: ``(partner id, company id, block the orders earned before)`` of
        the metrics rows whose ``order_block`` the recompute just changed, on the
        accounts followed in key-account management (key, candidate or former in
        a company): the others' blocks are read from their rows when shown, and
        nobody is told. The block shown before is rebuilt from these and the
        company rows that did not move; a move from a block the account had is
        tracked, all of them with one insert. Returns ``{new block: [partner
        ids]}`` of the partners whose shown block moved.
        """
        if not moves:
            return {}
        self.env["kam.partner.metric"].flush_model(["partner_id", "company_id", "order_block"])
        self.flush_model(["kam_chosen_block"])
        partner_ids, company_ids, old_blocks = zip(*moves, strict=True)
        rows = self.env.execute_query(SQL(
            """
            WITH moved AS MATERIALIZED (
                SELECT * FROM unnest(%(partners)s::int[], %(companies)s::int[], %(olds)s::varchar[])
                       AS x(partner_id, company_id, old_block)
            ), current_rows AS (
                SELECT m.partner_id, m.company_id, m.order_block
                  FROM kam_partner_metric m
                 WHERE m.partner_id IN (SELECT partner_id FROM moved)
            ), earned AS (
                -- before: the previous block of the rows that moved, the
                -- current one of the others (hash joins, no loop per row)
                SELECT COALESCE(n.partner_id, x.partner_id) AS partner_id,
                       %(highest_old)s AS old_earned, %(highest_new)s AS new_earned
                  FROM current_rows n
                  FULL JOIN moved x ON x.partner_id = n.partner_id AND x.company_id = n.company_id
                 GROUP BY 1
            ), shown AS (
                SELECT r.id, %(old_shown)s AS old_block, %(new_shown)s AS block
                  FROM earned e JOIN res_partner r ON r.id = e.partner_id
            )
            SELECT s.id, s.old_block, s.block,
                   s.old_block IS NOT NULL AND EXISTS (
                       SELECT FROM kam_account a WHERE a.partner_id = s.id AND a.kam_status != 'none'
                   ) AS tracked
              FROM shown s
             WHERE s.old_block IS DISTINCT FROM s.block
            """,
            partners=list(partner_ids),
            companies=list(company_ids),
            olds=list(old_blocks),
            highest_old=self._kam_highest_block_sql(
                SQL("CASE WHEN x.partner_id IS NULL THEN n.order_block ELSE x.old_block END")
            ),
            highest_new=self._kam_highest_block_sql(SQL("n.order_block")),
            old_shown=self._kam_lifecycle_block_sql(None, SQL("r.kam_chosen_block"), SQL("e.old_earned")),
            new_shown=self._kam_lifecycle_block_sql(None, SQL("r.kam_chosen_block"), SQL("e.new_earned")),
        ))
        if not rows:
            return {}
        self.browse([row[0] for row in rows]).invalidate_recordset(["kam_lifecycle_block"])
        self._kam_track_lifecycle_blocks([(pid, old, new) for pid, old, new, tracked in rows if tracked])
        by_block = {}
        for partner_id, _old, block, _tracked in rows:
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
            olds=[labels.get(old, old or "") for _id, old, _new in changes],
            news=[labels.get(new, new or "") for _id, _old, new in changes],
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
