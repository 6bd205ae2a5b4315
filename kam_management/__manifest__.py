# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

{
    "name": "Key Account Management",
    "summary": "Key accounts, DMU, dossiers, communication plans and portfolio "
    "risk on top of Odoo CRM",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/kam-management/kam_management",
    # Not an OCA module: the OCA keys with our own names (OCA adds
    # "Odoo Community Association (OCA)" to the author of its modules only).
    "author": "kam_management developers",
    "maintainers": ["kam-management"],
    "development_status": "Beta",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    # Only standard Community modules: crm (pipeline), sale_management
    # (quotations), sale_margin (gross margin on order lines, the default basis
    # of the key-account share), calendar (meetings feed the contact log), mail
    # (chatter, activities), contacts (the Contacts app hosting the partner views).
    # Feedback is recorded with the contact log, not with Odoo's survey app: the
    # KAM asks in a conversation, under the account's access rules (README).
    "depends": [
        "crm",
        "sale_management",
        "sale_margin",
        "calendar",
        "mail",
        "contacts",
    ],
    # xlsxwriter ships with Odoo's own requirements; declared for the exports.
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/kam_security.xml",
        "security/ir.model.access.csv",
        "security/kam_security_rules.xml",
        "security/kam_growth_security_rules.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "data/kam_account_type_data.xml",
        "data/kam_dmu_data.xml",
        "data/kam_comm_plan_template_data.xml",
        "wizard/kam_promote_wizard_views.xml",
        "wizard/kam_demote_wizard_views.xml",
        "views/kam_partner_metric_views.xml",
        "views/kam_account_type_views.xml",
        "views/res_partner_views.xml",
        "views/kam_account_views.xml",
        "views/crm_lead_views.xml",
        "views/sale_order_views.xml",
        "report/sale_order_report.xml",
        "views/kam_dmu_views.xml",
        "views/kam_person_profile_views.xml",
        "views/kam_dossier_views.xml",
        "views/kam_lead_dmu_views.xml",
        "views/res_config_settings_views.xml",
        "views/kam_account_health_views.xml",
        "views/kam_account_plan_views.xml",
        "views/kam_dashboard_views.xml",
        "wizard/kam_export_wizard_views.xml",
        "report/kam_dossier_report.xml",
        "report/kam_dossier_report_templates.xml",
        "report/kam_dossier_report_growth_templates.xml",
        "data/ir_actions_server_data.xml",
        "views/kam_contact_log_views.xml",
        "views/kam_comm_plan_views.xml",
        "wizard/kam_comm_wizard_views.xml",
        "views/res_partner_button_box_views.xml",
        "views/kam_cockpit_views.xml",
        "views/kam_alert_views.xml",
        "data/kam_growth_data.xml",
        "views/kam_growth_views.xml",
        "report/kam_group_report_templates.xml",
        "views/kam_feedback_views.xml",
        "views/kam_referral_views.xml",
        "views/kam_menus.xml",
        "views/kam_growth_menus.xml",
    ],
    "demo": [
        "demo/kam_identification_demo.xml",
        "demo/kam_analytics_demo.xml",
        "demo/kam_dmu_demo.xml",
        "demo/kam_comm_demo.xml",
        "demo/kam_group_demo.xml",
        "demo/kam_growth_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "kam_management/static/src/relationship_map/*",
            "kam_management/static/src/activity_outcome/*",
        ],
        "web.assets_tests": [
            "kam_management/static/tests/tours/*.js",
        ],
    },
}
