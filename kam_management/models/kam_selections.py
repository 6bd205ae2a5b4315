# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""The selections shared by several models, declared once.

A field that shows the same notion on another model (the status of a key
account on its deals and quotations, its dependency on the dashboard and the
dossier, ...) takes its values from here, so that the keys and labels cannot
drift apart. Selections used by one model stay in that model's file.
"""

# The key-account status of a client in a company (kam.account, res.partner,
# crm.lead, sale.order, the dashboard).
KAM_STATUS = [
    ("none", "Not Key"),
    ("candidate", "Candidate"),
    ("key", "Key Account"),
    ("former", "Former Key Account"),
]

# The level at which a client is key: the whole company, one sales team or one
# department (kam.account, res.partner).
KAM_LEVELS = [
    ("company", "Company"),
    ("team", "Sales Team"),
    ("department", "Department"),
]

# How dependent we are on a client, from its share of our revenue
# (``rules.shares.dependency_level`` computes the key; the order is the
# severity, see ``rules.shares.DEPENDENCY_LEVELS``).
DEPENDENCY_LEVELS = [
    ("none", "None"),
    ("key", "Key"),
    ("critical", "Critical"),
    ("mono", "Mono-Client"),
]

# The churn risk of a key account (``rules.risk.risk_level``).
RISK_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]

# The blocks of the client base, from the first order to the key account
# (``rules.shares.lifecycle_block``): the first four follow the orders, the
# upper ones are chosen by people.
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

# The outcome of a contact with the client (contact log, activity, DMU member).
CONTACT_OUTCOMES = [
    ("positive", "Positive"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
]
