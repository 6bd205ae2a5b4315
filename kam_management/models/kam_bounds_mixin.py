# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

import math

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import float_round

from ..rules.bounds import INT4_MAX, as_number, bounds_of, format_bound, is_finite_in

# A float or an amount is stored rounded: at the end of a range it may sit a
# rounding error past it (see ``is_finite_in``).
FLOAT_TOLERANCE = 1e-12
# The finest rounding a currency can have (res.currency.rounding has six
# decimals): an amount that rounds at this step rounds in any currency.
FINEST_CURRENCY_ROUNDING = 1e-6


class KamBoundsMixin(models.AbstractModel):
    """Numbers people type stay within the bounds of ``rules/bounds.py``.

    Checked twice. Before the ORM converts them: NaN, infinities, text that is
    no number, integers PostgreSQL cannot hold and numbers too large to be
    rounded to the field's digits or currency (1e308) would otherwise fail
    with a conversion error instead of a clear message, or be stored and
    crash a cron later; they are out of every range, and get the range's
    message. Then by each model's constraints (``_kam_check_bounds``), after
    the model's own rules, whose messages say more than a range (and name the
    record): those judge the numbers the ORM can store.
    """

    _name = "kam.bounds.mixin"
    _description = "Bounded Numbers"

    @api.model_create_multi
    def create(self, vals_list):
        context = self.env.context
        for vals in vals_list:
            self._kam_check_storable(vals)
            # A default from the context is converted like a value, where none is given.
            self._kam_check_storable({
                name: context[f"default_{name}"] for name in bounds_of(self._name)
                if name not in vals and f"default_{name}" in context
            })
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_storable(vals)
        return super().write(vals)

    def _kam_check_storable(self, vals):
        """Refuse the values of ``vals`` the ORM cannot convert, round and store."""
        table = bounds_of(self._name)
        for name, value in vals.items():
            if name in table and not self._kam_is_storable(name, as_number(value)):
                raise self._kam_bounds_error(name, value)

    def _kam_is_storable(self, name, number):
        """``number`` is a finite number that field ``name`` can hold once rounded.

        A float with digits and an amount are rounded by dividing them by the
        rounding step: a number near the largest double overflows there.
        """
        if number is None or (isinstance(number, float) and not math.isfinite(number)):
            return False
        field = self._fields[name]
        if field.type == "integer":
            return -INT4_MAX - 1 <= number <= INT4_MAX
        step = None
        if field.type == "monetary":
            step = FINEST_CURRENCY_ROUNDING
        elif field.type == "float" and field.get_digits(self.env):
            step = 10 ** -field.get_digits(self.env)[1]
        if step:
            try:
                float_round(number, precision_rounding=step)
            except (OverflowError, ValueError):
                return False
        return True

    def _kam_check_bounds(self, fnames=None):
        """Raise a ValidationError naming the first field of ``fnames`` out of its bounds."""
        table = bounds_of(self._name)
        names = [name for name in (fnames or table) if name in table and name in self._fields]
        for record in self:
            for name in names:
                if not is_finite_in(record[name], *table[name], rel_tol=self._kam_tolerance(name)):
                    raise record._kam_bounds_error(name, record[name])

    def _kam_bounds_errors(self, fnames=None):
        """Names of the fields of this record that are out of bounds (e.g. rows written in SQL)."""
        self.ensure_one()
        table = bounds_of(self._name)
        return [
            name for name in (fnames or table)
            if name in table and name in self._fields
            and not is_finite_in(self[name], *table[name], rel_tol=self._kam_tolerance(name))
        ]

    def _kam_tolerance(self, name):
        return FLOAT_TOLERANCE if self._fields[name].type in ("float", "monetary") else 0.0

    def _kam_bounds_error(self, name, value):
        low, high = bounds_of(self._name)[name]
        number = as_number(value)
        return ValidationError(self.env._(
            "%(field)s must be between %(low)s and %(high)s (%(value)s given).",
            field=self._fields[name]._description_string(self.env),
            low=format_bound(low),
            high=format_bound(high),
            value=format_bound(number) if number is not None else repr(value),
        ))
