"""Semantic types: what a column's values mean, how they look, and how fresh ones are made.

- :mod:`bayes_synth.semantic.catalogue`: the catalogue of types (detection, validation, format, generation);
- :mod:`bayes_synth.semantic.detect`: detecting a column's type from its values (declared types win);
- :mod:`bayes_synth.semantic.formats`: display formats learned, parsed and rendered (money, dates...);
- :mod:`bayes_synth.semantic.ids`, :mod:`~bayes_synth.semantic.people`, :mod:`~bayes_synth.semantic.places`:
  vectorised validators and generators (people's parts in ``names``, ``emails``, ``templates`` and
  ``wordlists``; places' in ``us_places``, ``usps`` and ``countries``);
- :mod:`bayes_synth.semantic.layouts`: the look of a generated column kept from the data (case, layout...);
- :mod:`bayes_synth.semantic.validate`: ``check``'s value-by-value test of declared types and formats;
- :mod:`bayes_synth.semantic.plan`: which columns the network learns and which are generated, at fit;
- :mod:`bayes_synth.semantic.fill`: generated values, entity by entity, at sample time.

Personal values (names, emails, phone numbers, card numbers...) are never learned: the network only
learns whether such a cell is present, and fresh values are generated for the sampled rows.
"""

from bayes_synth.semantic.catalogue import TYPES, SemanticType, get_type

__all__ = ["TYPES", "SemanticType", "get_type"]
