# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Pure business rules of key account management.

Nothing in this package imports Odoo: the functions take plain numbers and
dates and return plain values, so that the arithmetic of thresholds, cadences
and risk scoring can be tested without a database. The models call them.
"""
