"""Fixtures of the growth tests (group accounts, white space): a company of
their own, so that its totals are the test's orders only, its users (password:
the login, as the tours log in), and confirmed orders with a known margin."""

from datetime import datetime, time, timedelta

from odoo import Command, fields


class GrowthFixtures:
    """Mixin of the TransactionCase and HttpCase growth tests."""

    @classmethod
    def _setup_growth(cls, prefix="g1"):
        env = cls.env
        cls.company = env["res.company"].create({"name": f"{prefix} Growth Company"})
        cls.other_company = env["res.company"].create({"name": f"{prefix} Other Company"})
        Users = env["res.users"].with_context(no_reset_password=True)

        def user(key, name, group, companies=None):
            companies = companies or cls.company
            return Users.create({
                "name": name, "login": f"{prefix}_{key}", "password": f"{prefix}_{key}",
                "email": f"{prefix}_{key}@example.com",
                "company_id": companies[:1].id, "company_ids": [Command.set(companies.ids)],
                "groups_id": [Command.set([env.ref(group).id])],
            })

        cls.kam = user("kam", "Gina Group KAM", "kam_management.group_kam_user")
        cls.other_kam = user("other_kam", "Otto Other KAM", "kam_management.group_kam_user")
        cls.head = user("head", "Hugo Head of KAM", "kam_management.group_kam_manager")
        cls.salesman = user("salesman", "Sara Salesperson", "sales_team.group_sale_salesman")
        cls.foreign_head = user(
            "foreign_head", "Fritz Head of KAM Elsewhere", "kam_management.group_kam_manager",
            cls.other_company,
        )
        Category = env["product.category"]
        cls.categ_desks = Category.create({"name": f"{prefix} Desks"})
        cls.categ_chairs = Category.create({"name": f"{prefix} Chairs"})
        cls.categ_services = Category.create({"name": f"{prefix} Services"})
        Product = env["product.product"]
        cls.desk = Product.create({"name": f"{prefix} Desk", "categ_id": cls.categ_desks.id})
        cls.chair = Product.create({"name": f"{prefix} Chair", "categ_id": cls.categ_chairs.id})
        cls.service = Product.create({
            "name": f"{prefix} Fitting", "categ_id": cls.categ_services.id, "type": "service",
        })

    @classmethod
    def _company_partner(cls, name, parent=None, **vals):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "parent_id": parent.id if parent else False,
            "company_id": cls.company.id, **vals,
        })

    @classmethod
    def _make_key(cls, partner, kam, types=None):
        """Make ``partner`` a key account of the growth company (as superuser)."""
        cls.env["kam.account"].create({
            "partner_id": partner.id, "company_id": cls.company.id, "kam_status": "key",
            "kam_user_id": kam.id if kam else False,
            "kam_type_ids": [Command.set(types.ids if types else [])],
        })

    @classmethod
    def _order(cls, partner, amount, margin, product=None, days_ago=10):
        """A confirmed order of the growth company: ``amount`` untaxed, ``margin`` gross margin."""
        order = cls.env["sale.order"].with_company(cls.company).create({
            "partner_id": partner.id,
            "company_id": cls.company.id,
            "validity_date": fields.Date.today() + timedelta(days=30),
            "order_line": [Command.create({
                "product_id": (product or cls.desk).id, "product_uom_qty": 1,
                "price_unit": amount, "purchase_price": amount - margin,
                "tax_id": [Command.clear()],
            })],
        })
        order.action_confirm()
        order.date_order = datetime.combine(fields.Date.today() - timedelta(days=days_ago), time(10, 0))
        return order

    @classmethod
    def _recompute(cls):
        cls.env.flush_all()
        cls.env["res.partner"]._kam_recompute_metrics(companies=cls.company)
        cls.env.invalidate_all()
