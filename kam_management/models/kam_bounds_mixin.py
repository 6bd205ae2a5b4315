import math

from odoo import api, models
from odoo.exceptions import ValidationError

from ..rules.bounds import INT4_MAX, as_number, bounds_of, format_bound, is_finite_in

# A float or an amount is stored rounded: at the end of a range it may sit a
# rounding error past it (see ``is_finite_in``).
FLOAT_TOLERANCE = 1e-12


class KamBoundsMixin(models.AbstractModel):
    """Numbers people type stay within the bounds of ``rules/bounds.py``.

    Checked twice. Before the ORM converts them: NaN, infinities, text that is
    no number and integers PostgreSQL cannot hold would otherwise fail with a
    conversion error instead of a clear message, or be stored and crash a cron
    later. Then by each model's constraints (``_kam_check_bounds``), after the
    model's own rules, whose messages say more than a range.
    """

    _name = "kam.bounds.mixin"
    _description = "Bounded Numbers"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._kam_check_storable(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._kam_check_storable(vals)
        return super().write(vals)

    def _kam_check_storable(self, vals):
        """Refuse the values of ``vals`` that are no finite number a column can hold."""
        table = bounds_of(self._name)
        for name, value in vals.items():
            if name not in table:
                continue
            number = as_number(value)
            if number is None or (isinstance(number, float) and not math.isfinite(number)):
                raise self._kam_bounds_error(name, value)
            if self._fields[name].type == "integer" and not -INT4_MAX - 1 <= number <= INT4_MAX:
                raise self._kam_bounds_error(name, value)

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
