# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import api, models, tools
from odoo.exceptions import AccessError


class KamDerivedFieldsMixin(models.AbstractModel):
    """Fields only the code of the model sets: figures and signatures.

    The head of KAM judges an account, and its KAM, by figures the application
    derives (progress, completeness, coverage, risk, cool-down…) and by who
    signed a review, a comment or a decision. A readonly view protects nothing
    over RPC: here no caller but the superuser may set these fields, on any
    path (create, write, copy, import, defaults from the context). The code that
    derives them writes them with ``sudo()``; a context flag would come from
    the caller, so none is trusted. Stored computed fields recomputed by the
    ORM do not go through ``write`` and keep working.

    The other readonly computed fields without an inverse (``_kam_mirror_fields``:
    the account's identity shown on its records, figures computed on display)
    cannot be written either: the ORM would store the value of a stored one,
    and silently drop that of the others, so a write that changes them is
    refused with a clear error too. On create the ORM computes them whatever
    is sent.

    A write that repeats the current value changes nothing and is let through
    without the field, so that forms sending unchanged values keep saving.
    """

    _name = "kam.derived.fields.mixin"
    _description = "Fields Derived by the Application"
    # Names of the guarded fields; copy=False on each of them.
    _kam_derived_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.su:
            return super().create(vals_list)
        for vals in vals_list:
            self._kam_refuse_derived(vals.keys())
        # Defaults from the context come from the caller too: the fields get
        # the value of the code, not the one of the request.
        records = self
        keys = {f"default_{fname}" for fname in self._kam_derived_fields}
        if keys & self.env.context.keys():
            # Keys are removed, not overridden: a new environment without them.
            records = self.with_env(self.env(context={
                key: value for key, value in self.env.context.items() if key not in keys
            }))
        return super(KamDerivedFieldsMixin, records).create(vals_list)

    def write(self, vals):
        if not self.env.su:
            vals = self._kam_without_unchanged_derived(vals)
            self._kam_refuse_derived(vals.keys())
            self._kam_refuse_mirrors(vals.keys())
        return super().write(vals)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache()
    def _kam_mirror_fields(self):
        """Readonly computed fields without an inverse, besides ``_kam_derived_fields``.

        On a model of Odoo extended here, only the fields this addon adds
        (``kam_`` prefix): Odoo's own flows are not second-guessed.
        """
        own_model = self._name.startswith("kam.")
        return tuple(
            fname for fname, field in self._fields.items()
            if field.compute and field.readonly and not field.inverse
            and fname not in self._kam_derived_fields
            and (own_model or fname.startswith("kam_"))
        )

    def _kam_derived_source(self):
        """Where the guarded values come from, for the refusal message."""
        return self.env._("the application sets them")

    def _kam_refuse_derived(self, fnames):
        names = [fname for fname in self._kam_derived_fields if fname in fnames]
        if not names:
            return
        labels = [self._fields[fname]._description_string(self.env) for fname in names]
        raise AccessError(self.env._(
            "%(fields)s of %(model)s cannot be set by hand: %(origin)s.",
            fields=", ".join(f"“{label}”" for label in labels),
            model=self.env["ir.model"]._get(self._name).name,
            origin=self._kam_derived_source(),
        ))

    def _kam_refuse_mirrors(self, fnames):
        names = [fname for fname in self._kam_mirror_fields() if fname in fnames]
        if not names:
            return
        described = []
        for fname in names:
            field = self._fields[fname]
            label = field._description_string(self.env)
            if field.related:
                described.append(self.env._(
                    "“%(field)s” (the value of %(path)s)",
                    field=label, path=self._kam_related_path(field),
                ))
            else:
                described.append(self.env._("“%(field)s” (computed)", field=label))
        raise AccessError(self.env._(
            "%(fields)s cannot be written on %(model)s: change the value where it comes from.",
            fields=", ".join(described),
            model=self.env["ir.model"]._get(self._name).name,
        ))

    def _kam_related_path(self, field):
        """“Key Account › Key-Account Status” for ``related="partner_id.kam_status"``."""
        labels = []
        Model = self
        for name in field.related.split("."):
            step = Model._fields[name]
            labels.append(step._description_string(self.env))
            if step.relational:
                Model = self.env[step.comodel_name]
        return " › ".join(labels)

    def _kam_without_unchanged_derived(self, vals):
        """``vals`` without the guarded (and mirror) fields whose value every record already has.

        The current values are read as the caller, so the comparison tells
        nothing the caller could not read.
        """
        unchanged = set()
        for fname in (*self._kam_derived_fields, *self._kam_mirror_fields()):
            if fname not in vals:
                continue
            field = self._fields[fname]
            try:
                same = all(
                    field.convert_to_record(field.convert_to_cache(vals[fname], record), record)
                    == record[fname]
                    for record in self
                )
            except (TypeError, ValueError, OverflowError):
                same = False  # not even a valid value: refused as a change
            if same:
                unchanged.add(fname)
        if not unchanged:
            return vals
        return {key: value for key, value in vals.items() if key not in unchanged}
