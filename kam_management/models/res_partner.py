from odoo import api, fields, models

KAM_STATUS = [
    ("none", "Not Key"),
    ("candidate", "Candidate"),
    ("key", "Key Account"),
    ("former", "Former Key Account"),
]

LIFECYCLE_BLOCKS = [
    ("dead", "Dead"),
    ("potential", "Potential"),
    ("active", "Active"),
    ("working", "Working"),
    ("regular", "Regular"),
    ("time_tested", "Time-Tested Partner"),
    ("vip", "VIP Partner"),
    ("key", "Key Account"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Identification (SPEC §1)
    kam_status = fields.Selection(
        KAM_STATUS,
        string="Key-Account Status",
        default="none",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    kam_status_reason = fields.Char(string="Status Reason", tracking=True, copy=False)
    kam_key_since = fields.Date(string="Key Account Since", tracking=True, copy=False)
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        tracking=True,
        index="btree_not_null",
        copy=False,
        domain="[('share', '=', False)]",
    )
    kam_team_user_ids = fields.Many2many(
        "res.users",
        "res_partner_kam_team_user_rel",
        "partner_id",
        "user_id",
        string="Account Team",
        copy=False,
        domain="[('share', '=', False)]",
    )
    kam_level = fields.Selection(
        [
            ("company", "Company"),
            ("team", "Sales Team"),
            ("department", "Department"),
        ],
        string="Key For",
        default="company",
        help="The level at which the client is key: the whole company, one sales "
        "team, or one department.",
    )
    kam_level_team_id = fields.Many2one("crm.team", string="Key for Sales Team")
    kam_level_department = fields.Char(string="Key for Department")
    kam_type_ids = fields.Many2many(
        "kam.account.type",
        "res_partner_kam_account_type_rel",
        "partner_id",
        "type_id",
        string="Key-Account Types",
    )
    kam_is_vip = fields.Boolean(string="VIP", tracking=True, copy=False)
    kam_vip_review_date = fields.Date(string="VIP Review Date", tracking=True, copy=False)
    kam_lifecycle_block = fields.Selection(
        LIFECYCLE_BLOCKS, string="Client-Base Block", copy=False
    )
    kam_dead_revivable = fields.Boolean(
        string="Revivable", help="A dead client that may still be brought back."
    )
    kam_lifecycle_zone = fields.Selection(
        [("birth", "Birth"), ("life", "Life"), ("exit", "Exit")],
        string="Lifecycle Zone",
        copy=False,
    )

    @api.model
    def _commercial_fields(self):
        """Contacts of a company share its key-account identity."""
        return super()._commercial_fields() + [
            "kam_status", "kam_user_id", "kam_team_user_ids", "kam_is_vip",
        ]
